// The HTTP mode: each (framework, variant) server in its own child process on 127.0.0.1, driven
// by autocannon from this process with a fixed connection count and a bounded duration.
import { execFileSync, fork, spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { makeKeys, mintToken } from '../lib/keys.js';
import { loadPortcullis, need } from '../lib/portcullis.js';
import { renderTable } from '../lib/table.js';
import { VARIANTS } from './apps.js';

const SERVER = new URL('./server.js', import.meta.url);

/** The variants that authenticate nothing: the baseline, and an empty middleware or hook. */
const NO_AUTH = new Set(['none', 'empty-middleware', 'empty-hook']);

/** How the table names a variant. */
const LABELS = {
  none: 'no auth',
  'empty-middleware': 'no auth, empty middleware',
  'empty-hook': 'no auth, empty onRequest hook',
  'portcullis-withauth': 'portcullis withAuth()',
};

// On Linux with `taskset`, the server process runs on the last CPU and nothing else is pinned
// there, so the load generator (this process) does not take turns with it on one core.
const PIN = pinning();

function pinning() {
  if (process.platform !== 'linux' || os.cpus().length < 2) return null;
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return String(os.cpus().length - 1);
  } catch {
    return null;
  }
}

/** How servers are placed, for the run's header line. */
export const placement = PIN ? `pinned to CPU ${PIN} with taskset` : 'not pinned: no taskset';

/** One child process serving every variant of `framework`; resolves to it and the ports. */
function spawnServers(framework, variants, material) {
  const child = PIN
    ? spawn('taskset', ['-c', PIN, process.execPath, fileURLToPath(SERVER)], {
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      })
    : fork(SERVER, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', ({ ports, errors }) => resolve({ child, ports, errors }));
    child.once('exit', (code) => reject(new Error(`server process exited with ${code}`)));
    child.send({ framework, variants, material });
  });
}

/** The server's CPU time so far, in µs (user + system). */
function cpuOf(child) {
  return new Promise((resolve) => {
    const onMessage = (m) => {
      if (!m?.cpu) return;
      child.off('message', onMessage);
      resolve(m.cpu.user + m.cpu.system);
    };
    child.on('message', onMessage);
    child.send({ cpu: true });
  });
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill();
  });
}

/** Prove the server authenticates before timing it: 200 with the credential, 401 without. */
async function check(port, headers, guarded) {
  const url = `http://127.0.0.1:${port}/orders`;
  const ok = await fetch(url, { headers });
  if (ok.status !== 200) throw new Error(`answered ${ok.status} to a valid credential`);
  await ok.arrayBuffer();
  if (guarded) {
    const no = await fetch(url);
    await no.arrayBuffer();
    if (no.status !== 401) throw new Error(`answered ${no.status} with no credential`);
  }
}

function cannon(port, headers, duration, connections) {
  return autocannon({
    url: `http://127.0.0.1:${port}/orders`,
    headers,
    connections,
    duration,
    pipelining: 1,
  });
}

async function measureOnce(child, port, headers, opts) {
  const before = await cpuOf(child);
  const r = await cannon(port, headers, opts.duration, opts.connections);
  const cpu = (await cpuOf(child)) - before;
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    bad: r.non2xx + r.errors + r.timeouts,
    cpuPerRequest: r.requests.total > 0 ? cpu / r.requests.total : null,
  };
}

/** The cases of one algorithm: a row per (framework, variant), with the request headers. */
function casesFor(alg, first, token, apiKey) {
  const cases = [];
  for (const [framework, variants] of Object.entries(VARIANTS)) {
    for (const variant of variants) {
      const isKey = variant === 'portcullis-api-key';
      if (isKey && !first) continue;
      // The no-auth server gets the same request, token included, so the only difference
      // between rows is the auth work, not the bytes on the wire.
      const headers = isKey
        ? { 'x-api-key': apiKey?.key ?? 'none' }
        : { authorization: `Bearer ${token}` };
      const row = { alg: isKey ? 'API key' : alg, set: alg, framework, variant };
      cases.push({ row, headers, isKey });
    }
  }
  return cases;
}

/**
 * One framework's cases: one server process hosts them all (see server.js); each is checked and
 * warmed, then measured once per round, rotating the order, so the cases of a round run seconds
 * apart in the same process. Each row keeps its best round, and its requests/s and server CPU per
 * request of every round for the paired ratios.
 */
async function runFramework(cases, material, apiKey, settings, rounds, log) {
  const framework = cases[0].row.framework;
  const wanted = cases.filter((c) => !(c.isKey && !apiKey));
  for (const c of cases) if (!wanted.includes(c)) c.row.na = '@portcullis/core not built';
  const { child, ports, errors } = await spawnServers(
    framework,
    wanted.map((c) => c.row.variant),
    material,
  );
  try {
    for (const c of wanted) {
      try {
        if (errors[c.row.variant]) throw new Error(errors[c.row.variant]);
        const port = ports[c.row.variant];
        const guarded = !NO_AUTH.has(c.row.variant);
        await check(port, c.headers, guarded);
        await cannon(port, c.headers, settings.warmup, settings.connections);
        c.port = port;
      } catch (err) {
        c.row.na = String(err?.message ?? err).slice(0, 70);
        log(`  http ${c.row.alg} ${framework} ${c.row.variant}: n/a (${c.row.na})`);
      }
    }
    const ready = wanted.filter((c) => c.port);
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < ready.length; i++) {
        const c = ready[(i + round) % ready.length];
        const m = await measureOnce(child, c.port, c.headers, settings);
        c.row.perRound ??= [];
        c.row.perRound[round] = m.rps;
        c.row.cpuPerRound ??= [];
        c.row.cpuPerRound[round] = m.cpuPerRequest;
        if (!c.row.rps || m.rps > c.row.rps) Object.assign(c.row, m);
        log(
          `  http ${c.row.alg} ${framework} ${c.row.variant}: ${Math.round(m.rps)} req/s, ${m.cpuPerRequest?.toFixed(1)} µs CPU/request`,
        );
      }
    }
  } finally {
    await stop(child);
  }
  return cases.map((c) => c.row);
}

/** Run every framework and variant for each algorithm; prints the table and returns the rows. */
export async function runHttp(opts, log) {
  const pc = await loadPortcullis();
  const settings = {
    duration: 2,
    warmup: 1,
    connections: 32,
    rounds: opts.rounds,
    placement,
  };
  const algorithms = opts.algorithms ?? (opts.quick ? ['RS256'] : ['RS256', 'HS256']);
  const unknown = opts.frameworks?.filter((f) => !Object.hasOwn(VARIANTS, f)) ?? [];
  if (unknown.length > 0) {
    throw new Error(`unknown framework ${unknown.join(', ')}: ${Object.keys(VARIANTS).join(', ')}`);
  }
  let apiKey = null;
  try {
    apiKey = need(pc.core).generateApiKey({ prefix: 'pcs' });
  } catch {}
  const results = [];
  for (const [ai, alg] of algorithms.entries()) {
    const keys = await makeKeys(alg);
    const token = mintToken(keys, 1);
    const material = keys.secret
      ? { alg, secret: keys.secret, apiKeyHash: apiKey?.hash }
      : { alg, pem: keys.pem, apiKeyHash: apiKey?.hash };
    const cases = casesFor(alg, ai === 0, token, apiKey);
    for (const framework of opts.frameworks ?? Object.keys(VARIANTS)) {
      const mine = cases.filter((c) => c.row.framework === framework);
      results.push(...(await runFramework(mine, material, apiKey, settings, opts.rounds, log)));
    }
  }
  const out = { settings, results };
  printHttp(out, opts);
  return out;
}

/** Print the HTTP table and targets of a run (live or saved). */
export function printHttp(out, opts) {
  const { settings } = out;
  const rendered = renderHttp(out, opts.markdown);
  console.log(
    `\n${opts.markdown ? '#### ' : ''}HTTP — requests/s (best of ${settings.rounds} round(s) of ${settings.duration} s after ${settings.warmup} s warm-up; % of no auth = median of per-round ratios; server CPU = median µs of CPU time per request), ${settings.connections} connections, one server process per framework hosting every variant (${settings.placement ?? 'not pinned'}), GET /orders\n`,
  );
  console.log(rendered.table);
  for (const n of rendered.notes) console.log(`  n/a — ${n}`);
  console.log('\nTargets (issue "Speed", HTTP)\n');
  for (const l of httpTargets(out)) console.log(`  ${l}`);
}

/** The no-auth row measured alongside `row` (same framework, same set of servers). */
function baselineRow(results, row) {
  return results.find(
    (r) => r.framework === row.framework && r.set === row.set && r.variant === 'none' && r.rps,
  );
}

const median = (xs) => {
  const s = xs.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!s.length) return null;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/**
 * `row` over `other` as the median of per-round ratios: both ran in the same round, a few
 * seconds apart, so load from other processes mostly cancels out.
 */
function pairedRatio(row, other) {
  if (!row?.perRound || !other?.perRound) return null;
  return median(row.perRound.map((v, i) => v / other.perRound[i]));
}

const cpuText = (us) => (us === null ? '' : us.toFixed(1));

/** Render the HTTP table. */
export function renderHttp({ results }, markdown = false) {
  const rows = results.map((r) => {
    const ratio = pairedRatio(r, baselineRow(results, r));
    return [
      r.framework,
      LABELS[r.variant] ?? r.variant,
      NO_AUTH.has(r.variant) ? '—' : r.alg,
      r.rps ? Math.round(r.rps).toLocaleString('en') : 'n/a',
      r.variant === 'none' ? '100%' : ratio ? `${(100 * ratio).toFixed(1)}%` : '',
      cpuText(median(r.cpuPerRound ?? [])),
      r.rps ? `${r.p50} / ${r.p99}` : '',
      r.rps ? String(r.bad) : '',
    ];
  });
  const table = renderTable(
    [
      'framework',
      'auth',
      'credential',
      'req/s',
      '% of no auth',
      'server CPU µs/req',
      'latency p50/p99 ms',
      'non-2xx+err',
    ],
    rows,
    markdown,
  );
  const notes = results.filter((r) => r.na).map((r) => `${r.framework} ${r.variant}: ${r.na}`);
  return { table, notes };
}

const PEER = {
  express: ['express-jwt', 'express-oauth2-jwt-bearer'],
  koa: ['koa-jwt'],
  hono: ['hono/jwt'],
  fastify: ['@fastify/jwt'],
  fetch: ['jose'],
};

/** Lines saying which HTTP targets this run met. */
export function httpTargets({ results }) {
  const out = [];
  for (const r of results.filter(
    (x) => x.variant === 'portcullis' || x.variant === 'portcullis-withauth',
  )) {
    const who = r.variant === 'portcullis' ? 'Portcullis' : 'Portcullis withAuth()';
    const ratio = pairedRatio(r, baselineRow(results, r));
    if (ratio === null) {
      out.push(`n/a   ${r.alg} ${r.framework}: ${who} ≥ 90% of no auth`);
      continue;
    }
    const pct = 100 * ratio;
    const empty = results.find(
      (x) =>
        x.framework === r.framework &&
        x.set === r.set &&
        (x.variant === 'empty-middleware' || x.variant === 'empty-hook'),
    );
    const floor = pairedRatio(empty, baselineRow(results, r));
    const floorText =
      floor === null
        ? ''
        : `; an empty ${empty.variant === 'empty-hook' ? 'hook' : 'middleware'} alone: ${(100 * floor).toFixed(1)}%`;
    out.push(
      `${pct >= 90 ? 'MET ' : 'MISS'}  ${r.alg} ${r.framework}: ${who} ${pct.toFixed(1)}% of no auth (≥ 90%${floorText})`,
    );
    for (const peer of PEER[r.framework]) {
      const p = results.find(
        (x) => x.alg === r.alg && x.framework === r.framework && x.variant === peer,
      );
      const vsPeer = pairedRatio(r, p);
      if (vsPeer === null) continue;
      out.push(
        `${vsPeer > 1 ? 'MET ' : 'MISS'}  ${r.alg} ${r.framework}: ${who} ${vsPeer.toFixed(2)}× the requests/s of ${peer}`,
      );
    }
  }
  return out;
}
