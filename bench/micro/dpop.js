// The DPoP table: what a DPoP request (RFC 9449) costs over a bearer request on the same
// `jwt({ dpop })` authenticator, by paired A/B timing in a process of its own
// (micro/dpop-child.js), set against one raw node:crypto verify plus one replay claim measured in
// the same process. Expectation: B − A ≈ verify + claim, within 2×.
import { fork } from 'node:child_process';
import { renderTable, us } from '../lib/table.js';

const CHILD = new URL('./dpop-child.js', import.meta.url);
/** B − A must lie within this factor of one raw verify + one claim, either way. */
export const DPOP_FACTOR = 2;

/** Run the rows in a fresh process; resolves to `{ rows }` (or `{ error }`). */
export function runDpop(opts, log) {
  log('dpop: paired timing in a fresh process');
  return new Promise((resolve) => {
    const child = fork(CHILD, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let settled = false;
    const done = (value) => {
      if (!settled) resolve(value);
      settled = true;
    };
    child.once('message', (m) => {
      for (const r of m.rows ?? []) {
        log(
          `  dpop ${r.alg}: bearer ${us(r.aNs)} / DPoP ${us(r.bNs)} µs (diff ${us(r.diffNs)}; verify ${us(r.verifyNs)} + claim ${us(r.claimNs)})`,
        );
      }
      done(m.error ? { error: m.error.split('\n')[0] } : { rows: m.rows });
    });
    child.once('exit', (code) => done({ error: `the dpop process exited with ${code}` }));
    child.send({ quick: opts.quick });
  });
}

const expected = (r) => r.verifyNs + r.claimNs;
const met = (r) => r.diffNs <= DPOP_FACTOR * expected(r) && r.diffNs >= expected(r) / DPOP_FACTOR;

/** The table, its notes and the MET/MISS lines. */
export function renderDpop(result, markdown = false) {
  if (result.error) return { table: '', notes: [result.error], lines: [] };
  const table = renderTable(
    [
      'proof',
      'A bearer µs',
      'B DPoP µs',
      'B − A µs',
      'raw verify µs',
      'claim() µs',
      'verify + claim µs',
      '(B − A) ÷ sum',
      `within ${DPOP_FACTOR}×`,
    ],
    result.rows.map((r) => [
      r.alg,
      us(r.aNs),
      us(r.bNs),
      us(r.diffNs),
      us(r.verifyNs),
      us(r.claimNs),
      us(expected(r)),
      `${(r.diffNs / expected(r)).toFixed(2)}×`,
      met(r) ? 'MET' : 'MISS',
    ]),
    markdown,
  );
  const lines = result.rows.map(
    (r) =>
      `${met(r) ? 'MET ' : 'MISS'}  DPoP ${r.alg} proof: +${us(r.diffNs)} µs per request over bearer (paired ${us(r.bNs)} vs ${us(r.aNs)} µs, ${r.ratio.toFixed(1)}×) ≈ raw ${r.alg === 'EdDSA' ? 'Ed25519' : r.alg} verify ${us(r.verifyNs)} + memoryReplayStore().claim() ${us(r.claimNs)} = ${us(expected(r))} µs (${(r.diffNs / expected(r)).toFixed(2)}×, within ${DPOP_FACTOR}× either way; the rest, ${us(r.diffNs - expected(r))} µs, is reading the proof and checking its claims (ath hashes the token, htu parses two URLs) and their garbage; ${r.pairs} pairs of ${r.batch} calls, ${r.proofs.toLocaleString('en-US')} proofs pre-signed, each used once)`,
  );
  return { table, notes: [], lines };
}
