// The runtime matrix on Node, Bun and Deno: fixtures as JSON on stdin, the results of cases.js
// as JSON on stdout. `node cli.js`, `bun run cli.js`, `deno run --allow-read=… --allow-net=… cli.js`.
import { Buffer } from 'node:buffer';
import process from 'node:process';
import { runCases } from './cases.js';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const fixtures = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const results = await runCases(fixtures);
process.stdout.write(`${JSON.stringify(results)}\n`);
