// The rows of `pnpm bench runtimes`, in plain ESM JavaScript so that Node, Bun, Deno and workerd
// run the same code. Fixtures come from the Node driver (run-runtimes.js): keys as JWKs and
// secrets, and a pool of distinct tokens per algorithm signed with node:crypto.
//
// - core rows: `createAuthenticator({ methods: [jwt(…)] }).authenticate(view)` through whichever
//   `#crypto` branch core resolved to on this runtime (node:crypto or Web Crypto), first-seen
//   (`cache: false`, cycling the pool) and repeated (default cache, one token); the SHA-256 of an
//   API key (`hashApiKey()`) and an API key through `authenticate()` with its cache off.
// - raw rows: one signature check with nothing else, by `crypto.subtle.verify` and by node:crypto
//   `verify` (HMAC: `createHmac` + `timingSafeEqual`) on keys imported once; SHA-256 hex by
//   node:crypto and by `crypto.subtle.digest`. A runtime without node:crypto gives no node rows.
import { apiKey, createAuthenticator, hashApiKey, jwt } from '@portcullis/core';
import { fromFetchHeaders } from '@portcullis/core/adapter';

/** The algorithms of the section. */
export const ALGORITHMS = ['HS256', 'RS256', 'ES256', 'EdDSA'];

const WEB = {
  HS256: { importAs: { name: 'HMAC', hash: 'SHA-256' }, verifyAs: { name: 'HMAC' } },
  RS256: {
    importAs: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    verifyAs: { name: 'RSASSA-PKCS1-v1_5' },
  },
  ES256: {
    importAs: { name: 'ECDSA', namedCurve: 'P-256' },
    verifyAs: { name: 'ECDSA', hash: 'SHA-256' },
  },
  EdDSA: { importAs: { name: 'Ed25519' }, verifyAs: { name: 'Ed25519' } },
};

const encoder = new TextEncoder();

function bytesOf(base64url) {
  const binary = atob(base64url.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** A function returning the items of `list` in turn, forever. */
function cycle(list) {
  let i = 0;
  return () => {
    i = i + 1 === list.length ? 0 : i + 1;
    return list[i];
  };
}

/** A request view per token, built before timing, as an adapter builds one per request. */
function views(tokens) {
  return tokens.map((token) => fromFetchHeaders(new Headers({ authorization: `Bearer ${token}` })));
}

function jwtOptions(fixtures, alg, cache) {
  const { issuer, audience } = fixtures;
  const key = fixtures.keys[alg];
  const options = { algorithms: [alg], issuer, audience };
  if (alg === 'HS256') options.secret = key.secret;
  else options.jwks = { keys: [key.jwk] };
  if (!cache) options.cache = false;
  return options;
}

/** Signing inputs and signatures of a pool, decoded before timing. */
function split(tokens) {
  return tokens.map((token) => {
    const dot = token.lastIndexOf('.');
    return { data: encoder.encode(token.slice(0, dot)), signature: bytesOf(token.slice(dot + 1)) };
  });
}

/**
 * Core's rows, through the `#crypto` branch this copy of core resolved to. run-runtimes.js also
 * bundles this module pinned to the other branch, so one process can time both.
 *
 * @example
 * ```js
 * const rows = await coreRows(fixtures); // [{ id: 'core HS256 first', fn }, …]
 * ```
 */
export async function coreRows(fixtures) {
  const rows = [];
  for (const alg of ALGORITHMS) {
    const { pool } = fixtures.keys[alg];
    const first = createAuthenticator({ methods: [jwt(jwtOptions(fixtures, alg, false))] });
    const repeated = createAuthenticator({ methods: [jwt(jwtOptions(fixtures, alg, true))] });
    const next = cycle(views(pool));
    const same = views(pool.slice(0, 1))[0];
    for (const auth of [first, repeated]) {
      const principal = await auth.authenticate(same);
      if (principal?.subject === undefined) throw new Error(`${alg}: the token did not verify`);
    }
    rows.push({ id: `core ${alg} first`, fn: () => first.authenticate(next()) });
    rows.push({ id: `core ${alg} repeated`, fn: () => repeated.authenticate(same) });
  }
  const keys = fixtures.apiKeys;
  const records = new Map([[hashApiKey(keys.key), keys.record]]);
  const withKey = createAuthenticator({
    methods: [apiKey({ prefix: keys.prefix, cache: false, lookup: (h) => records.get(h) ?? null })],
  });
  const keyView = fromFetchHeaders(new Headers({ 'x-api-key': keys.key }));
  if ((await withKey.authenticate(keyView))?.subject === undefined) {
    throw new Error('the API key did not authenticate');
  }
  rows.push({ id: 'core hashApiKey', fn: () => hashApiKey(keys.key) });
  rows.push({ id: 'core apiKey nocache', fn: () => withKey.authenticate(keyView) });
  return rows;
}

function hex(buffer) {
  const bytes = new Uint8Array(buffer);
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += bytes[i].toString(16).padStart(2, '0');
  return out;
}

async function webRows(fixtures) {
  const rows = [];
  for (const alg of ALGORITHMS) {
    const key = fixtures.keys[alg];
    const { importAs, verifyAs } = WEB[alg];
    const cryptoKey =
      alg === 'HS256'
        ? await crypto.subtle.importKey('raw', encoder.encode(key.secret), importAs, false, [
            'verify',
          ])
        : await crypto.subtle.importKey('jwk', key.jwk, importAs, false, ['verify']);
    const next = cycle(split(key.pool));
    const probe = next();
    if (!(await crypto.subtle.verify(verifyAs, cryptoKey, probe.signature, probe.data))) {
      throw new Error(`${alg}: Web Crypto refused the signature`);
    }
    rows.push({
      id: `web ${alg}`,
      fn: () => {
        const { data, signature } = next();
        return crypto.subtle.verify(verifyAs, cryptoKey, signature, data);
      },
    });
  }
  const key = fixtures.apiKeys.key;
  rows.push({
    id: 'web sha256',
    fn: () => crypto.subtle.digest('SHA-256', encoder.encode(key)).then(hex),
  });
  return rows;
}

async function nodeRows(fixtures) {
  let nc;
  try {
    nc = await import('node:crypto');
  } catch {
    return [];
  }
  const rows = [];
  for (const alg of ALGORITHMS) {
    const key = fixtures.keys[alg];
    const next = cycle(split(key.pool));
    let check;
    try {
      if (alg === 'HS256') {
        const secret = nc.createSecretKey(encoder.encode(key.secret));
        check = ({ data, signature }) =>
          signature.length === 32 &&
          nc.timingSafeEqual(nc.createHmac('sha256', secret).update(data).digest(), signature);
      } else {
        const object = nc.createPublicKey({ key: key.jwk, format: 'jwk' });
        const params = alg === 'ES256' ? { key: object, dsaEncoding: 'ieee-p1363' } : object;
        const digest = alg === 'EdDSA' ? null : 'sha256';
        check = ({ data, signature }) => nc.verify(digest, data, params, signature);
      }
      if (!check(next())) throw new Error('refused the signature');
    } catch {
      // workerd's node:crypto (nodejs_compat) verifies with no KeyObject: no row there.
      continue;
    }
    rows.push({ id: `node ${alg}`, fn: () => check(next()) });
  }
  const key = fixtures.apiKeys.key;
  const sha256 =
    typeof nc.hash === 'function'
      ? () => nc.hash('sha256', key, 'hex')
      : () => nc.createHash('sha256').update(key).digest('hex');
  rows.push({ id: 'node sha256', fn: sha256 });
  return rows;
}

/**
 * The rows to time on this runtime: core's, then the raw ones.
 *
 * @example
 * ```js
 * for (const row of await makeRows(fixtures)) console.log(row.id, await timeRow(row.fn, opts));
 * ```
 */
export async function makeRows(fixtures) {
  return [
    ...(await coreRows(fixtures)),
    ...(await webRows(fixtures)),
    ...(await nodeRows(fixtures)),
  ];
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/**
 * The clock's resolution in ms: workerd reports whole milliseconds (Spectre mitigation), Node,
 * Bun and Deno microseconds or better. Batches last at least 20 ticks of it.
 */
function resolution() {
  let smallest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    let t1 = t0;
    while (t1 === t0) t1 = performance.now();
    smallest = Math.min(smallest, t1 - t0);
  }
  return smallest;
}

async function batch(fn, n) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const r = fn();
    if (r !== null && typeof r === 'object' && typeof r.then === 'function') await r;
  }
  return performance.now() - t0;
}

/**
 * Median ns per call of `fn` (sync, or async: awaited only when it returns a promise, as an
 * adapter does), within about `budgetMs`: a fifth of it warming up, the rest in batches of at
 * least 10 ms, and the median of the batches kept.
 *
 * @example
 * ```js
 * const { ns, samples } = await timeRow(() => hashApiKey(key), { budgetMs: 1000 });
 * ```
 */
export async function timeRow(fn, { budgetMs }) {
  const batchMs = Math.max(10, 20 * resolution());
  let calls = 0;
  let spent = 0;
  while (spent < budgetMs / 5 || calls < 64) {
    spent += await batch(fn, 16);
    calls += 16;
  }
  let n = Math.max(1, Math.round((batchMs * calls) / Math.max(spent, 0.001)));
  // A coarse clock can make the warm-up look slower than it was: grow the batch until one lasts.
  for (let i = 0; i < 16 && (await batch(fn, n)) < batchMs / 2; i++) n *= 2;
  const samples = [];
  const end = performance.now() + (budgetMs * 4) / 5;
  while (performance.now() < end || samples.length < 5) samples.push((await batch(fn, n)) / n);
  return { ns: median(samples) * 1e6, samples: samples.length, batch: n };
}

async function timeBatch(fn, n) {
  return (await batch(fn, n)) * 1e6;
}

/**
 * Paired A/B timing, portable: short batches of `a` and `b` alternate (ABBA) `pairs` times, each
 * batch sized so the slower side takes about `batchMs`; the median of the per-pair ratios b/a and
 * of each side's ns per call. Load from other processes lands on both sides of a pair alike.
 *
 * @example
 * ```js
 * const { ratio } = await paired(nodePath.fn, webPath.fn, { pairs: 30 });
 * ```
 */
export async function paired(a, b, { pairs = 30, batchMs = 8 } = {}) {
  const probeA = (await timeBatch(a, 64)) / 64;
  const probeB = (await timeBatch(b, 64)) / 64;
  const ms = Math.max(batchMs, 20 * resolution());
  const n = Math.max(4, Math.round((ms * 1e6) / Math.max(probeA, probeB, 1)));
  const ratios = [];
  const as = [];
  const bs = [];
  for (let i = 0; i < pairs; i++) {
    let ta;
    let tb;
    if (i % 2 === 0) {
      ta = await timeBatch(a, n);
      tb = await timeBatch(b, n);
    } else {
      tb = await timeBatch(b, n);
      ta = await timeBatch(a, n);
    }
    ratios.push(tb / ta);
    as.push(ta / n);
    bs.push(tb / n);
  }
  return { ratio: median(ratios), aNs: median(as), bNs: median(bs), n };
}

/**
 * Time every row (medians, {@link timeRow}); with `other`, the rows of core pinned to the other
 * `#crypto` branch, also pair each core row of the node:crypto branch (A) with the same row of
 * the Web Crypto branch (B).
 *
 * @example
 * ```js
 * const { rows, pairs } = await runRows(fixtures, { budgetMs: 600, other: { path: 'web', rows } });
 * ```
 */
export async function runRows(fixtures, { budgetMs, own, other }) {
  const rows = [];
  const mine = await makeRows(fixtures);
  for (const row of mine) rows.push({ id: row.id, ...(await timeRow(row.fn, { budgetMs })) });
  const pairs = [];
  if (other !== undefined) {
    for (const row of mine.filter((r) => r.id.startsWith('core '))) {
      const twin = other.rows.find((r) => r.id === row.id);
      if (twin === undefined) continue;
      const [a, b] = own === 'node' ? [row.fn, twin.fn] : [twin.fn, row.fn];
      pairs.push({ id: row.id, ...(await paired(a, b)) });
    }
  }
  return { rows, pairs };
}
