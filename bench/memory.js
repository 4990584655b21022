// Heap held by the Portcullis caches with default bounds: after 1,000, 10,000 and 100,000
// distinct tokens (and API keys) seen. Tokens and keys are made one at a time and dropped, so the
// only thing that keeps them is the cache. Needs --expose-gc.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { makeKeys, mintToken } from './lib/keys.js';
import { loadPortcullis, need } from './lib/portcullis.js';
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

/**
 * The jwt() cache, fed distinct tokens each seen `times` times in a row (core caches a token on
 * its second sighting, so once measures what one-off tokens leave behind, twice fills the cache).
 */
async function jwtCache(core, checkpoints, times) {
  const keys = await makeKeys('HS256');
  const method = core.jwt({
    algorithms: ['HS256'],
    issuer: 'https://issuer.bench.local/',
    audience: 'https://api.bench.local',
    secret: keys.secret,
  });
  const ctx = { now: Date.now, realm: 'api' };
  const sample = mintToken(keys, 0);
  const points = await grow(async (i) => {
    const token = mintToken(keys, i + 1);
    for (let t = 0; t < times; t++) await method.verify(token, ctx);
  }, checkpoints);
  const how = times === 1 ? 'each seen once' : 'each seen twice (cached)';
  return { label: `jwt() cache, HS256 tokens of ${sample.length} chars ${how}`, points };
}

async function apiKeyCache(core, checkpoints, found) {
  const method = core.apiKey({
    prefix: 'pcs',
    lookup: () => (found ? { id: 'k', subject: 'svc', scopes: ['orders:read'] } : null),
  });
  const ctx = { now: Date.now, realm: 'api' };
  const points = await grow(async (i) => {
    const { key } = core.generateApiKey({ prefix: 'pcs' });
    void i;
    try {
      await method.verify(key, ctx);
    } catch (err) {
      if (found || err?.status !== 401) throw err;
    }
  }, checkpoints);
  return {
    label: found ? 'apiKey() record cache, found keys' : 'apiKey() unknown-key cache, unknown keys',
    points,
  };
}

const KINDS = {
  'jwt-once': (core, checkpoints) => jwtCache(core, checkpoints, 1),
  'jwt-twice': (core, checkpoints) => jwtCache(core, checkpoints, 2),
  'api-found': (core, checkpoints) => apiKeyCache(core, checkpoints, true),
  'api-unknown': (core, checkpoints) => apiKeyCache(core, checkpoints, false),
};

/** Measure one cache kind in a fresh child process, so nothing else shares its heap. */
function inChild(kind, checkpoints) {
  return new Promise((resolve) => {
    const child = fork(fileURLToPath(import.meta.url), ['--child', kind, checkpoints.join(',')], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let answer = { label: kind, error: 'the child process exited without an answer' };
    child.once('message', (m) => {
      answer = m;
    });
    child.once('exit', () => resolve(answer));
  });
}

/** Measure every cache, each in its own process; rows or a reason per cache. */
export async function runMemory(pc, opts, log) {
  void pc;
  const checkpoints = opts.quick ? [1_000, 10_000] : CHECKPOINTS;
  const results = [];
  for (const kind of Object.keys(KINDS)) {
    const r = await inChild(kind, checkpoints);
    if (r.points) log(`  memory ${r.label}: ${r.points.map((p) => mib(p.bytes)).join(' / ')}`);
    results.push(r);
  }
  return { checkpoints, results };
}

async function child(kind, checkpoints) {
  try {
    if (typeof globalThis.gc !== 'function') throw new Error('needs --expose-gc');
    const pc = await loadPortcullis();
    process.send(await KINDS[kind](need(pc.core), checkpoints));
  } catch (err) {
    process.send({ label: kind, error: String(err?.message ?? err).slice(0, 80) });
  }
}

if (process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4].split(',').map(Number));
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
