// `pnpm bench runtimes` on workerd: bundled with the `workerd`, `worker` and `browser` conditions
// (core's Web Crypto path). POST /setup with the fixtures, then POST /row with `{ id }` per row:
// one row a request, each answered with its timing.
import { makeRows, timeRow } from './rows.js';

let rows;
let budgetMs;

export default {
  async fetch(request) {
    const { pathname } = new URL(request.url);
    if (request.method !== 'POST') return new Response('POST /setup or /row', { status: 405 });
    if (pathname === '/setup') {
      const fixtures = await request.json();
      budgetMs = fixtures.budgetMs;
      try {
        rows = await makeRows(fixtures);
      } catch (err) {
        return new Response(String(err?.stack ?? err), { status: 500 });
      }
      return Response.json(rows.map((r) => r.id));
    }
    const { id } = await request.json();
    const row = rows?.find((r) => r.id === id);
    if (row === undefined) return new Response(`no row ${id}`, { status: 404 });
    return Response.json({ id, ...(await timeRow(row.fn, { budgetMs })) });
  },
};
