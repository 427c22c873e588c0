// The README's TypeScript blocks, made into programs (spec/docs/readme.integration.spec.ts runs them). A block is a
// fragment that reads on from the text around it: `zk` is a connected client, `hosts` the servers, `applyConfig` and
// `processOrders` the reader's own functions. Each program gives the block that context and nothing else — a client
// on a throwaway server (its own chroot), stubs for the reader's functions, the rxjs and rxzk names it uses without
// importing them, jest's hooks and expect for a test-shaped block — and runs it verbatim, but for one rewrite: a
// host list written in the block ('10.0.0.1:2181,…/myapp') becomes the throwaway server's, chroot suffix kept.
//
// A block opts out with a comment on the line before its fence, `<!-- not run: <why>; covered by <file> -->`, and
// only where it cannot run here (a framework bootstrap, a TLS or SASL server of your own): the file named covers it.

export interface ReadmeBlock {
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
  /** The reason given by a `<!-- not run: … -->` comment, and the file it names as covering the block. */
  optOut?: { reason: string; coveredBy: string };
}

const OPT_OUT = /^<!--\s*not run:\s*(.+?);\s*covered by\s+(\S+?)\s*-->$/;

/** The ```ts blocks of a markdown text. */
export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```ts\s*$/.test(lines[i])) {
      if (/^```/.test(lines[i])) i = closingFence(lines, i); // skip other languages' blocks whole
      continue;
    }
    const end = closingFence(lines, i);
    const marker = OPT_OUT.exec((lines[i - 1] ?? '').trim());
    blocks.push({
      line: i + 1,
      code: lines.slice(i + 1, end).join('\n'),
      ...(marker ? { optOut: { reason: marker[1], coveredBy: marker[2] } } : {}),
    });
    i = end;
  }
  return blocks;
}

function closingFence(lines: string[], open: number): number {
  for (let j = open + 1; j < lines.length; j++) if (/^```\s*$/.test(lines[j])) return j;
  throw new Error(`README line ${open + 1}: a code block that never closes`);
}

/** The reader's own functions and values that blocks name without defining: stubs that do nothing. */
const STUBS: Record<string, string> = {
  applyConfig: '(..._: unknown[]) => undefined',
  apply: '(..._: unknown[]) => undefined',
  rebalance: '(..._: unknown[]) => undefined',
  reload: '(..._: unknown[]) => undefined',
  handle: 'async (..._: unknown[]) => undefined',
  processOrders: 'async (..._: unknown[]) => undefined',
  runSchedule: '() => __rxjs.of(undefined)',
  batches: "[['a'], ['b']]",
  store: '{ write: async (..._: unknown[]) => undefined }',
  jobs$: '__rxjs.of(1, 2, 3)',
  payload: "'payload'",
  metrics: '{ gauge: (..._: unknown[]) => undefined }',
  log: '{ info: (..._: unknown[]) => undefined }',
};

/** A host list as the README writes them: 'h:port[,h:port…][/chroot]'. */
const HOST_LIST = /'((?:\[[0-9a-f:]+\]|[a-z0-9.-]+):\d+(?:,(?:\[[0-9a-f:]+\]|[a-z0-9.-]+):\d+)*)(\/[\w/-]*)?'/gi;

/** The chroot suffixes of the host lists a block writes (the program creates them before the block runs). */
export function hostChroots(code: string): string[] {
  return [...code.matchAll(HOST_LIST)].map((m) => m[2]).filter((c): c is string => c !== undefined);
}

const declares = (code: string, name: string): boolean =>
  new RegExp(`\\b(?:const|let|var|function|class)\\s+${escape(name)}\\b`).test(code) ||
  new RegExp(`\\b(?:const|let|var)\\s*\\{[^}]*\\b${escape(name)}\\b[^}]*\\}\\s*=`).test(code) ||
  new RegExp(`\\bimport\\s*\\{[^}]*\\b${escape(name)}\\b[^}]*\\}\\s*from`).test(code);
const uses = (code: string, name: string): boolean => new RegExp(`(?<![\\w$.'])${escape(name)}(?![\\w$])`).test(code);
const escape = (name: string): string => name.replace(/\$/g, '\\$');

/**
 * The program that runs `block`: env README_HOSTS is the server's connect string, README_CHROOT a fresh node this
 * block's client lives under. `rxjsNames` and `rxzkNames` are those packages' exports.
 */
export function blockProgram(block: ReadmeBlock, rxjsNames: readonly string[], rxzkNames: readonly string[]): string {
  // A block that passes its own `chroot` option gets the bare servers (two chroots would disagree).
  const ownChroot = /\bchroot\s*:/.test(block.code);
  const code = block.code.replace(HOST_LIST, (_m, _hosts: string, chroot: string | undefined) =>
    ownChroot ? '__hosts' : `\`\${__hosts}\${__chroot}${chroot ?? ''}\``,
  );
  const free = (name: string): boolean => uses(code, name) && !declares(code, name);
  const fromRxjs = rxjsNames.filter((n) => free(n) && !rxzkNames.includes(n));
  const fromRxzk = rxzkNames.filter(free);
  const testShaped = ['beforeAll', 'afterAll', 'it'].some((n) => free(n) && new RegExp(`\\b${n}\\(`).test(code));
  const prelude = [
    `// README.md line ${block.line}, run by spec/docs/readme.integration.spec.ts (see spec/docs/readme-blocks.ts).`,
    `import * as __rxjs from 'rxjs';`,
    `import * as __rxzk from 'rxzk';`,
    fromRxjs.length > 0 ? `import { ${fromRxjs.join(', ')} } from 'rxjs';` : '',
    fromRxzk.length > 0 ? `import { ${fromRxzk.join(', ')} } from 'rxzk';` : '',
    testShaped ? `import { expect } from 'expect';` : '',
    `const __hosts = process.env.README_HOSTS as string;`,
    `const __chroot = process.env.README_CHROOT as string;`,
    `const __zk = __rxzk.createClient({ hosts: __hosts, chroot: __chroot });`,
    `await __zk.start();`,
    ...hostChroots(block.code).map((c) => `await __rxjs.lastValueFrom(__zk.ensurePath(${JSON.stringify(c)}), { defaultValue: undefined });`),
    free('zk') ? `const zk = __zk;` : '',
    free('hosts') ? `const hosts = \`\${__hosts}\${__chroot}\`;` : '',
    ...Object.entries(STUBS).filter(([name]) => free(name)).map(([name, value]) => `const ${name} = ${value};`),
    ...(testShaped
      ? [
          `const __hooks = { before: [] as (() => unknown)[], after: [] as (() => unknown)[], tests: [] as [string, () => unknown][] };`,
          `const beforeAll = (f: () => unknown) => void __hooks.before.push(f);`,
          `const afterAll = (f: () => unknown) => void __hooks.after.push(f);`,
          `const it = (name: string, f: () => unknown) => void __hooks.tests.push([name, f]);`,
        ]
      : []),
    `// ---- the block, verbatim but for its host lists ----`,
  ].filter((l) => l !== '');
  const epilogue = [
    `// ---- end of the block ----`,
    ...(testShaped
      ? [
          `try {`,
          `  for (const f of __hooks.before) await f();`,
          `  for (const [name, f] of __hooks.tests) { await f(); console.log('test passed:', name); }`,
          `} finally {`,
          `  for (const f of __hooks.after) await f();`,
          `}`,
        ]
      : []),
    // Whatever the block subscribed has had its first reads answered once a round trip sent now is (a session's
    // requests are answered in order): an error there has surfaced by then.
    // The program ends where the block ends: the block's own streams are not torn down by a close it did not write.
    `if (__zk.state !== 'CLOSED') await __rxjs.lastValueFrom(__zk.exists('/'), { defaultValue: null });`,
    `process.exit(0);`,
  ];
  return [...prelude, code, ...epilogue].join('\n') + '\n';
}
