// Every public function and method in the generated reference carries an @example (TypeDoc checks that
// everything is documented; this checks the examples). Reads the JSON TypeDoc writes beside the HTML.
import { readFileSync } from 'node:fs';

const KIND = { Function: 64, Method: 2048, Constructor: 512, Accessor: 262144, CallSignature: 4096, ConstructorSignature: 16384 };
const project = JSON.parse(readFileSync(process.argv[2] ?? 'docs/api.json', 'utf8'));
const missing = [];

const hasExample = (comment) => (comment?.blockTags ?? []).some((t) => t.tag === '@example');

function visit(node, path) {
  const here = node.name === undefined ? path : [...path, node.name];
  if (node.kind === KIND.Function || node.kind === KIND.Method) {
    const documented = hasExample(node.comment) || (node.signatures ?? []).some((s) => hasExample(s.comment));
    // Inherited methods are documented where they are declared.
    if (!documented && node.inheritedFrom === undefined && !node.flags?.isPrivate && !node.flags?.isProtected) missing.push(here.join('.'));
  }
  for (const child of node.children ?? []) visit(child, here);
}
visit(project, []);

if (missing.length > 0) {
  console.error(`${missing.length} public function(s) or method(s) without an @example:\n  ${missing.join('\n  ')}`);
  process.exit(1);
}
console.log('every public function and method has an @example');
