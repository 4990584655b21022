// The runtime matrix on workerd: bundled by esbuild with the `workerd`, `worker` and `browser`
// conditions (so core takes its Web Crypto path); a POST of the fixtures answers the results of
// cases.js as JSON.
import { runCases } from './cases.js';

export default {
  async fetch(request) {
    if (request.method !== 'POST') return new Response('POST the fixtures', { status: 405 });
    return Response.json(await runCases(await request.json()));
  },
};
