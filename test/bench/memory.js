// Heap held by the Portcullis caches with default bounds: after 1,000, 10,000 and 100,000
// distinct tokens (and API keys) seen. Tokens and keys are made one at a time and dropped, so the
// only thing that keeps them is the cache. Needs --expose-gc.
import { makeKeys, mintToken } from './lib/keys.js';
import { need } from './lib/portcullis.js';
import { renderTable } from './lib/table.js';

const CHECKPOINTS = [1_000, 10_000, 100_000];

function heapUsed() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;

/** Feed `feed(i)` for i in [0, last checkpoint); heap delta at each checkpoint. */
async function grow(feed, checkpoints) {
  const before = heapUsed();
  const out = [];
  let i = 0;
  for (const stop of checkpoints) {
    for (; i < stop; i++) await feed(i);
    out.push({ seen: stop, bytes: heapUsed() - before });
  }
  return out;
}

async function jwtCache(core, checkpoints) {
  const keys = await makeKeys('HS256');
  const method = core.jwt({
    algorithms: ['HS256'],
    issuer: 'https://issuer.bench.local/',
    audience: 'https://api.bench.local',
    secret: keys.secret,
  });
  const ctx = { now: Date.now, realm: 'api' };
  const sample = mintToken(keys, 0);
  const points = await grow((i) => method.verify(mintToken(keys, i + 1), ctx), checkpoints);
  return { label: `jwt() verification cache (HS256 tokens of ${sample.length} chars)`, points };
}

async function apiKeyCache(core, checkpoints, found) {
  const method = core.apiKey({
    prefix: 'pcs',
    lookup: () => (found ? { id: 'k', subject: 'svc', scopes: ['orders:read'] } : null),
  });
  const ctx = { now: Date.now, realm: 'api' };
  const points = await grow(async (i) => {
    const { key } = core.generateApiKey({ prefix: 'pcs' });
    try {
      await method.verify(key, ctx);
    } catch (err) {
      if (found || err?.status !== 401) throw err;
      void i;
    }
  }, checkpoints);
  return {
    label: found ? 'apiKey() record cache (found keys)' : 'apiKey() unknown-key cache',
    points,
  };
}

/** Measure every cache; rows or a reason per cache. */
export async function runMemory(pc, opts, log) {
  if (typeof globalThis.gc !== 'function') {
    return { error: 'run node with --expose-gc for the memory figures' };
  }
  const checkpoints = opts.quick ? [1_000, 10_000] : CHECKPOINTS;
  const results = [];
  for (const [name, run] of [
    ['jwt', (core) => jwtCache(core, checkpoints)],
    ['api-found', (core) => apiKeyCache(core, checkpoints, true)],
    ['api-unknown', (core) => apiKeyCache(core, checkpoints, false)],
  ]) {
    try {
      const r = await run(need(pc.core));
      log(`  memory ${r.label}: ${r.points.map((p) => mib(p.bytes)).join(' / ')}`);
      results.push(r);
    } catch (err) {
      results.push({ label: name, error: String(err?.message ?? err).slice(0, 80) });
    }
  }
  return { checkpoints, results };
}

/** Render the memory table. */
export function renderMemory(result, markdown = false) {
  if (result.error) return { table: result.error, notes: [] };
  const headers = [
    'cache (default bounds)',
    ...result.checkpoints.map((n) => `after ${n.toLocaleString('en')}`),
  ];
  const rows = result.results.map((r) =>
    r.error
      ? [r.label, ...result.checkpoints.map(() => 'n/a')]
      : [r.label, ...r.points.map((p) => mib(p.bytes))],
  );
  const notes = result.results.filter((r) => r.error).map((r) => `${r.label}: ${r.error}`);
  return { table: renderTable(headers, rows, markdown), notes };
}
