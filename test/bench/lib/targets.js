// The Speed issue's targets, checked against this run's numbers.

const asym = ['RS256', 'ES256', 'EdDSA'];

function line(ok, text) {
  return `${ok === null ? 'n/a ' : ok ? 'MET ' : 'MISS'}  ${text}`;
}

const f = (ns) => (ns === null || ns === undefined ? 'n/a' : `${(ns / 1000).toFixed(2)} µs`);

/** Lines saying which micro targets this run met. */
export function microTargets(micro, apiKeys) {
  const out = [];
  for (const { alg, rows } of micro) {
    const get = (pred) => rows.find(pred) ?? {};
    const raw = get((r) => r.group === 'floor');
    const core = get((r) => r.key === 'core');
    const fastNoCache = get((r) => r.name.startsWith('fast-jwt') && r.name.includes('no cache'));
    const fastCache = get((r) => r.name.startsWith('fast-jwt') && r.name.includes('(cache)'));
    const have = core.first !== null && core.first !== undefined;
    if (asym.includes(alg)) {
      const limit = raw.first * 1.1;
      out.push(
        line(
          have ? core.first <= limit : null,
          `${alg} first-seen core ${f(core.first)} ≤ 1.1× raw (${f(limit)})`,
        ),
      );
    } else {
      const limit = raw.first + 2500;
      out.push(
        line(
          have ? core.first <= limit : null,
          `${alg} first-seen core ${f(core.first)} ≤ raw + 2.5 µs (${f(limit)})`,
        ),
      );
    }
    out.push(
      line(
        have ? core.first <= fastNoCache.first : null,
        `${alg} first-seen core ${f(core.first)} ≤ fast-jwt no cache ${f(fastNoCache.first)}`,
      ),
    );
    const haveRepeat = core.repeat !== null && core.repeat !== undefined;
    out.push(
      line(
        haveRepeat ? core.repeat <= 1500 : null,
        `${alg} repeated core ${f(core.repeat)} ≤ 1.5 µs`,
      ),
    );
    out.push(
      line(
        haveRepeat ? core.repeat <= fastCache.repeat : null,
        `${alg} repeated core ${f(core.repeat)} ≤ fast-jwt cache ${f(fastCache.repeat)}`,
      ),
    );
  }
  if (apiKeys) {
    const cached = apiKeys.rows.find((r) => r.key === 'core-cached');
    out.push(
      line(
        cached?.ns ? cached.ns <= 2000 : null,
        `API key, cached record, core authenticate() ${f(cached?.ns)} ≤ 2 µs`,
      ),
    );
  }
  return out;
}
