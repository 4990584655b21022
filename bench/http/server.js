// Child process of the HTTP mode: receives `{ framework, variants, material }` over IPC, starts
// one server per variant in this one process, each on 127.0.0.1 and its own port, and answers
// `{ ports, errors }` (by variant). One process for all the variants of a framework: each
// process runs some percent faster or slower than the next, from where its code and heap land,
// and that must not pass for a difference between variants. Answers `{ cpu }` (its
// `process.cpuUsage()`) when asked with `{ cpu: true }`; exits when the parent disconnects.
import { start } from './apps.js';

process.once('message', async ({ framework, variants, material }) => {
  const ports = {};
  const errors = {};
  for (const variant of variants) {
    try {
      ports[variant] = (await start(framework, variant, material)).port;
    } catch (err) {
      errors[variant] = String(err?.message ?? err);
    }
  }
  process.send({ ports, errors });
});
process.on('message', (m) => {
  if (m?.cpu) process.send({ cpu: process.cpuUsage() });
});
process.on('disconnect', () => process.exit(0));
