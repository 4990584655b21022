// The one-table summary at the end of a micro run: per algorithm, Portcullis core against raw
// node:crypto and each peer, first-seen and repeated. `--markdown` makes it paste-ready.
import { renderTable, us } from './table.js';

const PEERS = [
  ['fast-jwt', (r) => r.name === 'fast-jwt createVerifier (no cache)'],
  ['jose', (r) => r.name === 'jose jwtVerify'],
  ['express-jwt', (r) => r.name === 'express-jwt'],
  ['express-oauth2-jwt-bearer', (r) => r.name === 'express-oauth2-jwt-bearer'],
  ['koa-jwt', (r) => r.name === 'koa-jwt'],
  ['hono/jwt', (r) => r.name === 'hono/jwt'],
];

/** Render the summary: µs/op, first-seen for every column but the last two (repeated). */
export function renderSummary(micro, apiKeys, markdown = false) {
  const rows = micro.map(({ alg, rows: all }) => {
    const find = (pred) => all.find(pred) ?? {};
    const raw = find((r) => r.group === 'floor');
    const core = find((r) => r.key === 'core');
    const cachedPeer = find((r) => r.name === 'fast-jwt createVerifier (cache)');
    const cell = (ns) => (ns === null || ns === undefined ? 'n/a' : us(ns));
    const withRatio = (ns) =>
      ns === null || ns === undefined || !raw.first
        ? cell(ns)
        : `${cell(ns)} (${(ns / raw.first).toFixed(2)}×)`;
    return [
      alg,
      cell(raw.first),
      withRatio(core.first),
      ...PEERS.map(([, pred]) => withRatio(find(pred).first)),
      cell(core.repeat),
      cell(cachedPeer.repeat),
    ];
  });
  const headers = [
    'µs/op (× raw)',
    'raw node:crypto',
    '**Portcullis**',
    ...PEERS.map(([n]) => n),
    '**Portcullis**, repeated',
    'fast-jwt cache, repeated',
  ].map((h) => (markdown ? h : h.replaceAll('**', '')));
  let table = renderTable(headers, rows, markdown);
  const cached = apiKeys?.rows.find((r) => r.key === 'core-cached');
  const hash = apiKeys?.rows[0];
  const web = apiKeys?.rows.find((r) => r.name.startsWith('Web Crypto'));
  if (cached) {
    table += `\n\nAPI key with a cached record: ${us(cached.ns)} µs (SHA-256 with node:crypto ${us(hash?.ns)} µs, with Web Crypto ${us(web?.ns)} µs).`;
  }
  return { table, notes: [] };
}
