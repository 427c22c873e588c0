// Checks the generated HTML reference reads as a guide (issue 18.8): every entry point's page opens with an overview,
// no page has a group whose members are all hidden by TypeDoc's default filters (protected, private or external
// members: an empty "Properties" heading), and no heading lost its text (a `code` span dropped: "Recipes ()").
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2] ?? 'docs/api';
const problems = [];
const pages = (sub) => readdirSync(path.join(dir, sub)).filter((f) => f.endsWith('.html')).map((f) => path.join(sub, f));
const text = (html) => html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim();

for (const page of ['index.html', ...['modules', 'classes', 'interfaces', 'functions', 'types', 'variables'].flatMap(pages)]) {
  const html = readFileSync(path.join(dir, page), 'utf8');
  if (/tsd-is-(protected|private|external)\b/.test(html)) problems.push(`${page}: members hidden by default (an empty group)`);
  for (const [, heading] of html.matchAll(/<h[1-6][^>]*>(.*?)<\/h[1-6]>/gs)) {
    // `()` followed by `=>` is a function type ("Returns () => void"), not a dropped code span.
    if (/\(\s*\)(?!\s*=(>|&gt;))|^\s*$/.test(text(heading))) problems.push(`${page}: heading "${text(heading)}"`);
  }
  for (const [, entry] of html.matchAll(/<a href="#[^"]*"[^>]*><span>(.*?)<\/span>/gs)) {
    if (/\(\s*\)$/.test(text(entry))) problems.push(`${page}: contents entry "${text(entry)}"`);
  }
}
for (const page of pages('modules')) {
  const html = readFileSync(path.join(dir, page), 'utf8');
  // The overview: the module's comment, with an example, before its first group.
  const before = html.slice(0, html.search(/<section class="tsd-panel-group|<details class="tsd-panel-group|tsd-index-section/));
  if (!/tsd-comment/.test(before) || !/<pre><code/.test(before)) problems.push(`${page}: no overview with an example before its groups`);
}
if (problems.length > 0) {
  console.error(`the reference has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('the reference: every entry point opens with an overview; no empty group, no broken heading');
