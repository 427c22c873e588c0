// A TypeDoc plugin (typedoc.json's "plugin"): groups the reference by what a reader looks for, from where each
// symbol is declared, so no source file carries a presentation tag. The recipes fall into locks and leadership,
// coordination structures, caches and nodes, discovery and errors; the core's error classes into Errors. Anything
// unmatched (or with its own @group) keeps TypeDoc's grouping by kind.
import { Comment, CommentTag, Converter, ReflectionKind } from 'typedoc';

/** [folder under src/, group]: the first whose folder holds the declaring file wins. */
const GROUPS = [
  ['errors/', 'Errors'],
  ['recipes/errors.ts', 'Errors'],
  ['recipes/counters/counter-data-error.ts', 'Errors'],
  ['recipes/holding.ts', 'Locks and leadership'],
  ['recipes/kernel/wait.ts', 'Locks and leadership'],
  ['recipes/contender/', 'Locks and leadership'],
  ['recipes/locks/', 'Locks and leadership'],
  ['recipes/leader/', 'Locks and leadership'],
  ['recipes/barriers/', 'Coordination structures'],
  ['recipes/counters/', 'Coordination structures'],
  ['recipes/queues/', 'Coordination structures'],
  ['recipes/membership/', 'Coordination structures'],
  ['recipes/cache/', 'Caches and nodes'],
  ['recipes/nodes/', 'Caches and nodes'],
  ['recipes/discovery/', 'Discovery'],
];

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    // Only what a module exports: members keep their kind groups (Constructors, Properties, Methods).
    if (!reflection.parent?.kindOf(ReflectionKind.Module)) return;
    const file = context.getSymbolFromReflection(reflection)?.declarations?.[0]?.getSourceFile().fileName.replace(/\\/g, '/');
    const src = file?.slice(file.lastIndexOf('/src/') + '/src/'.length);
    const group = src === undefined ? undefined : GROUPS.find(([folder]) => src.startsWith(folder))?.[1];
    if (group === undefined) return;
    reflection.comment ??= new Comment();
    if (reflection.comment.blockTags.some((t) => t.tag === '@group')) return;
    reflection.comment.blockTags.push(new CommentTag('@group', [{ kind: 'text', text: group }]));
  });
}
