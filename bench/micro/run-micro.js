// The micro benchmark: per algorithm, every row in first-seen and repeated-token mode, timed in
// one process, printed as µs/op with ratios to the fastest peer and to raw node:crypto.
import { serveJwks } from '../lib/jwks-server.js';
import { ALGORITHMS, cycle, makeKeys, mintPool } from '../lib/keys.js';
import { medianNs, settings } from '../lib/measure.js';
import { ratio, renderTable, us } from '../lib/table.js';
import { baselineCases, peerCases } from './peers.js';
import { portcullisCases } from './portcullis.js';
import { rawCase, rawParseCase } from './raw.js';

const MODES = ['first', 'repeat'];

/** Servers to close at the end of the run (the local JWKS endpoints). */
const closers = [];

/** Close what the run opened. */
export function closeMicro() {
  for (const close of closers.splice(0)) close();
}

// Larger than fast-jwt's default cache (1,000), so its first-seen row measures misses.
function poolSize(alg, quick) {
  return alg === 'RS256' || quick ? 2048 : 4096;
}

/** Build a case's function for `mode` and prove it succeeds on a real token before timing. */
async function prepare(c, keys, mode, token) {
  try {
    const fn = await c.make(keys, mode);
    const out = await fn(token);
    if (c.check && !c.check(out)) return { na: 'did not authenticate the token' };
    return { fn };
  } catch (err) {
    const message = String(err?.message ?? err);
    return { na: message.length > 60 ? `${message.slice(0, 57)}...` : message };
  }
}

/** Build every case of one algorithm; timing happens later, in rounds. */
async function prepareAlgorithm(alg, pc, opts) {
  const keys = await makeKeys(alg);
  const pool = mintPool(keys, poolSize(alg, opts.quick));
  keys.poolSize = pool.length;
  if (keys.jwk) {
    const jwks = await serveJwks([keys.jwk]);
    keys.jwksUrl = jwks.url;
    closers.push(jwks.close);
  }
  const fixed = pool[0];
  const cases = [
    rawCase(keys),
    rawParseCase(keys),
    ...portcullisCases(pc),
    ...peerCases,
    ...baselineCases,
  ];
  const rows = [];
  for (const c of cases) {
    const row = { name: c.name, group: c.group, key: c.key, first: null, repeat: null, na: {} };
    row.timed = {};
    for (const mode of MODES) {
      if (c.modes && !c.modes.includes(mode)) continue;
      const prepared = await prepare(c, keys, mode, mode === 'first' ? pool[1] : fixed);
      if (prepared.na) {
        row.na[mode] = prepared.na;
        continue;
      }
      const { fn } = prepared;
      const next = cycle(pool);
      row.timed[mode] = mode === 'first' ? () => fn(next()) : () => fn(fixed);
    }
    rows.push(row);
  }
  return { alg, poolSize: pool.length, rows };
}

/** Time every prepared row once; keep the lowest median seen over the rounds. */
async function timeAlgorithm(prepared, opts, log) {
  for (const row of prepared.rows) {
    for (const [mode, timed] of Object.entries(row.timed)) {
      const { p50 } = await medianNs(timed, settings(opts.quick));
      row[mode] = row[mode] === null ? p50 : Math.min(row[mode], p50);
    }
    log(`  ${prepared.alg} ${row.name}: ${us(row.first)} / ${us(row.repeat)} µs`);
  }
}

/** The fastest peer's time in `mode`. */
function fastestPeer(rows, mode) {
  const times = rows.filter((r) => r.group === 'peer' && r[mode] !== null).map((r) => r[mode]);
  return times.length ? Math.min(...times) : null;
}

/** Render one algorithm's table. */
export function renderAlgorithm(result, markdown = false) {
  const { rows } = result;
  const raw = rows.find((r) => r.group === 'floor');
  const peer = { first: fastestPeer(rows, 'first'), repeat: fastestPeer(rows, 'repeat') };
  const cell = (r, mode) => {
    if (r[mode] !== null) return us(r[mode]);
    return r.na[mode] ? 'n/a' : '—';
  };
  const body = rows.map((r) => [
    r.group === 'baseline' ? `(harness) ${r.name}` : r.name,
    cell(r, 'first'),
    r.group === 'baseline' ? '' : ratio(r.first, peer.first),
    r.group === 'baseline' ? '' : ratio(r.first, raw?.first),
    cell(r, 'repeat'),
    r.group === 'baseline' ? '' : ratio(r.repeat, peer.repeat),
    r.group === 'baseline' ? '' : ratio(r.repeat, raw?.repeat),
  ]);
  const table = renderTable(
    ['row', 'first-seen µs', '×peer', '×raw', 'repeated µs', '×peer', '×raw'],
    body,
    markdown,
  );
  const notes = rows
    .flatMap((r) => Object.values(r.na).map((why) => `${r.name}: ${why}`))
    .filter((line, i, all) => all.indexOf(line) === i);
  return { table, notes };
}

/**
 * Run every algorithm, `opts.rounds` times over (each row keeps its lowest median: on a shared
 * machine, interference only ever adds time). Returns the results for the tables and targets.
 */
export async function runMicro(pc, opts, log) {
  const prepared = [];
  for (const alg of ALGORITHMS) {
    if (opts.algorithms && !opts.algorithms.includes(alg)) continue;
    prepared.push(await prepareAlgorithm(alg, pc, opts));
  }
  for (let round = 1; round <= opts.rounds; round++) {
    log(`round ${round} of ${opts.rounds}`);
    for (const p of prepared) await timeAlgorithm(p, opts, log);
  }
  return prepared;
}
