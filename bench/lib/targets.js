// The Speed issue's targets. Ratios come from paired A/B timing (lib/paired.js) in a fresh process
// per algorithm, which holds on a busy machine; absolute limits use the lowest median of the rounds.
import { fork } from 'node:child_process';

const ASYMMETRIC = ['RS256', 'ES256', 'EdDSA'];
const f = (ns) => (ns === null || ns === undefined ? 'n/a' : `${(ns / 1000).toFixed(2)} µs`);
const x = (r) => `${r.toFixed(3)}×`;

function line(ok, text) {
  return `${ok === null ? 'n/a ' : ok ? 'MET ' : 'MISS'}  ${text}`;
}

const CHILD = new URL('../micro/targets-child.js', import.meta.url);

/** The paired figures of one algorithm, measured in a fresh process (micro/targets-child.js). */
function pairedInChild(alg, quick) {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m) => (m.error ? reject(new Error(m.error)) : resolve(m.figures)));
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the targets process exited with ${code}`));
    });
    child.send({ alg, quick });
  });
}

/** Check the micro targets; resolves to printable lines and the raw figures. */
export async function microTargets(micro, apiKeys, log = () => {}, { quick = false } = {}) {
  const out = [];
  const figures = {};
  for (const { alg, rows } of micro) {
    const core = rows.find((r) => r.key === 'core');
    if (!core?.first) {
      out.push(line(null, `${alg}: Portcullis core not measured`));
      continue;
    }
    log(`  targets ${alg}: paired timing in a fresh process`);
    const { vsRaw, vsFast, vsFastCache, floor } = await pairedInChild(alg, quick);
    figures[alg] = { vsRaw, vsFast, vsFastCache, floor };
    if (ASYMMETRIC.includes(alg)) {
      out.push(
        line(
          vsRaw.ratio <= 1.1,
          `${alg} first-seen: core ${x(vsRaw.ratio)} raw node:crypto (≤ 1.10×; paired ${f(vsRaw.bNs)} vs ${f(vsRaw.aNs)}${floor ? `; raw + payload JSON.parse alone: ${x(floor.ratio)}` : ''})`,
        ),
      );
    } else {
      out.push(
        line(
          vsRaw.diffNs <= 2500,
          `${alg} first-seen: core raw + ${f(vsRaw.diffNs)} (≤ raw + 2.50 µs; paired ${f(vsRaw.bNs)} vs ${f(vsRaw.aNs)}${floor ? `; raw + payload JSON.parse alone: raw + ${f(floor.diffNs)}` : ''})`,
        ),
      );
    }
    out.push(
      line(
        vsFast.ratio <= 1,
        `${alg} first-seen: core ${x(vsFast.ratio)} fast-jwt without cache (never slower: ≤ 1.00×)`,
      ),
    );
    const repeat = Math.min(core.repeat ?? Infinity, vsFastCache?.bNs ?? Infinity);
    out.push(
      line(
        Number.isFinite(repeat) ? repeat <= 1500 : null,
        `${alg} repeated token: core ${f(repeat)} (≤ 1.50 µs)`,
      ),
    );
    if (vsFastCache) {
      out.push(
        line(
          vsFastCache.ratio <= 1,
          `${alg} repeated token: core ${x(vsFastCache.ratio)} fast-jwt with cache (never slower: ≤ 1.00×)`,
        ),
      );
    }
  }
  if (apiKeys) {
    const cached = apiKeys.rows.find((r) => r.key === 'core-cached');
    out.push(
      line(
        cached?.ns ? cached.ns <= 2000 : null,
        `API key with a cached record: core authenticate() ${f(cached?.ns)} (≤ 2.00 µs)`,
      ),
    );
  }
  return { lines: out, figures };
}
