// Child process of the HTTP mode: receives `{ framework, variant, material }` over IPC, starts
// that server on 127.0.0.1, and answers `{ port }` (or `{ error }`). Exits when the parent says so
// or disconnects.
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
process.on('disconnect', () => process.exit(0));
