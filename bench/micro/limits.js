// The Limits table: what rateLimiter() and budgeter() with memoryLimitStore() add to a request
// whose credential is cached, measured by paired A/B timing in a process of its own
// (micro/limits-child.js). Goal: at most 1 µs per request.
import { fork } from 'node:child_process';
import { renderTable, us } from '../lib/table.js';

const CHILD = new URL('./limits-child.js', import.meta.url);
/** The goal: a limit check with the memory store adds at most this many ns per request. */
export const LIMIT_GOAL_NS = 1000;

/** Run the rows in a fresh process; resolves to `{ rows }` (or `{ error }`). */
export function runLimits(opts, log) {
  log('limits: paired timing in a fresh process');
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
          `  limits ${r.credential} + ${r.check}: ${us(r.aNs)} / ${us(r.bNs)} µs (diff ${us(r.diffNs)})`,
        );
      }
      done(m.error ? { error: m.error.split('\n')[0] } : { rows: m.rows });
    });
    child.once('exit', (code) => done({ error: `the limits process exited with ${code}` }));
    child.send({ quick: opts.quick });
  });
}

const signed = (ns) => `${ns >= 0 ? '+' : ''}${(ns / 1000).toFixed(3)}`;

/** The table, its notes and the goal lines. */
export function renderLimits(result, markdown = false) {
  if (result.error) return { table: '', notes: [result.error], lines: [] };
  const met = (r) => r.diffNs <= LIMIT_GOAL_NS;
  const table = renderTable(
    ['row', 'authenticate() µs', 'then the check µs', 'difference µs', '≤ 1 µs'],
    result.rows.map((r) => [
      `${r.credential} + ${r.check}`,
      us(r.aNs),
      us(r.bNs),
      signed(r.diffNs),
      met(r) ? 'MET' : 'MISS',
    ]),
    markdown,
  );
  const notes = result.rows
    .filter((r) => r.refused > 0)
    .map((r) => `${r.credential} + ${r.check}: ${r.refused} calls refused while timing`);
  const lines = result.rows.map(
    (r) =>
      `${met(r) ? 'MET ' : 'MISS'}  ${r.credential}, ${r.check} with memoryLimitStore(): ${signed(r.diffNs)} µs per request (≤ ${(LIMIT_GOAL_NS / 1000).toFixed(2)} µs; paired ${us(r.bNs)} vs ${us(r.aNs)} µs, ${r.ratio.toFixed(3)}×; ${r.kind === 'rate' ? `${r.remaining?.toLocaleString('en-US')} units left at the end` : `${r.remaining?.toLocaleString('en-US')} of the quota left`}, ${r.entries.toLocaleString('en-US')} entries in the store)`,
  );
  return { table, notes, lines };
}
