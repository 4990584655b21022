// Child process of the HTTP mode: receives `{ framework, variant, material }` over IPC, starts
// that server on 127.0.0.1, and answers `{ port }` (or `{ error }`). Exits when the parent says so
// or disconnects. Answers `{ cpu }` (its `process.cpuUsage()`) when asked with `{ cpu: true }`.
import { start } from './apps.js';

process.once('message', async ({ framework, variant, material }) => {
  try {
    const { port } = await start(framework, variant, material);
    process.send({ port });
  } catch (err) {
    process.send({ error: String(err?.message ?? err) });
    process.exit(1);
  }
});
// The parent asks for this process's CPU time around each measurement: µs of CPU per request.
process.on('message', (m) => {
  if (m?.cpu) process.send({ cpu: process.cpuUsage() });
});
process.on('disconnect', () => process.exit(0));
