// The Speed issue's targets. Ratios come from paired A/B timing (lib/paired.js), which holds on a
// busy machine; absolute limits use the lowest median of the rounds.
import { paired } from './paired.js';

const ASYMMETRIC = ['RS256', 'ES256', 'EdDSA'];
const f = (ns) => (ns === null || ns === undefined ? 'n/a' : `${(ns / 1000).toFixed(2)} µs`);
const x = (r) => `${r.toFixed(3)}×`;

function line(ok, text) {
  return `${ok === null ? 'n/a ' : ok ? 'MET ' : 'MISS'}  ${text}`;
}

/** Check the micro targets; resolves to printable lines and the raw figures. */
export async function microTargets(micro, apiKeys, log = () => {}) {
  const out = [];
  const figures = {};
  for (const { alg, rows } of micro) {
    const get = (pred) => rows.find(pred) ?? { timed: {} };
    const raw = get((r) => r.group === 'floor');
    const core = get((r) => r.key === 'core');
    const fastNoCache = get((r) => r.name === 'fast-jwt createVerifier (no cache)');
    const fastCache = get((r) => r.name === 'fast-jwt createVerifier (cache)');
    if (!core.timed?.first || !raw.timed?.first) {
      out.push(line(null, `${alg}: Portcullis core not measured`));
      continue;
    }
    log(`  targets ${alg}: paired timing`);
    const vsRaw = await paired(raw.timed.first, core.timed.first);
    const vsFast = await paired(fastNoCache.timed.first, core.timed.first);
    const vsFastCache = core.timed.repeat
      ? await paired(fastCache.timed.repeat, core.timed.repeat)
      : null;
    figures[alg] = { vsRaw, vsFast, vsFastCache };
    if (ASYMMETRIC.includes(alg)) {
      out.push(
        line(
          vsRaw.ratio <= 1.1,
          `${alg} first-seen: core ${x(vsRaw.ratio)} raw node:crypto (≤ 1.10×; paired ${f(vsRaw.bNs)} vs ${f(vsRaw.aNs)})`,
        ),
      );
    } else {
      out.push(
        line(
          vsRaw.diffNs <= 2500,
          `${alg} first-seen: core raw + ${f(vsRaw.diffNs)} (≤ raw + 2.50 µs; paired ${f(vsRaw.bNs)} vs ${f(vsRaw.aNs)})`,
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
