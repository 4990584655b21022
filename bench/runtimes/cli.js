// `pnpm bench runtimes` on Node, Bun and Deno: fixtures as JSON on stdin, the timings of rows.js
// as JSON on stdout. Core resolves `#crypto` by this runtime's own conditions; `fixtures.other`
// names a bundle of rows.js pinned to the other branch, whose core rows are then paired with ours.
import { Buffer } from 'node:buffer';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { runRows } from './rows.js';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const fixtures = JSON.parse(Buffer.concat(chunks).toString('utf8'));
let other;
if (fixtures.other !== undefined) {
  const pinned = await import(pathToFileURL(fixtures.other.module).href);
  other = { path: fixtures.other.path, rows: await pinned.coreRows(fixtures) };
}
const timed = await runRows(fixtures, { budgetMs: fixtures.budgetMs, own: fixtures.own, other });
process.stdout.write(`${JSON.stringify(timed)}\n`);
