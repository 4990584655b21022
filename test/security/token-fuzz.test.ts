// Fuzzing JWTs through every adapter: mutants of a valid token never authenticate; random
// headers and claims signed with the real key authenticate only when a model of the contract says
// they are valid; random Authorization values never crash, never 500, never 200.
import { jwt } from '@portcullis/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS } from './support/apps.js';
import { useLeakCheck, secret as watch } from './support/collector.js';
import { expectSafe, FUZZ_TIMEOUT, mutate, mutations, PARAMS } from './support/fuzz.js';
import { type Scenario, scenario } from './support/harness.js';
import { ecdsa, forge, hmac } from './support/jws.js';
import { AUDIENCE, claims, hmacSecret, ISSUER, type KeyPair, keyPair } from './support/keys.js';

useLeakCheck();

// A frozen clock: the model below compares times to it, so no run sits on a moving boundary.
const T = 1_800_000_000;
const TOLERANCE = 5;

let secret: string;
let es: KeyPair;
beforeAll(async () => {
  secret = hmacSecret();
  es = await keyPair('ES256');
});

const INF = '__INFINITY__';
/** Mostly the good value, sometimes one of the bad ones: valid tokens must come up often. */
const mostly = <T>(good: T, ...bad: fc.Arbitrary<T>[]): fc.Arbitrary<T> =>
  fc.oneof(
    { weight: 4 * bad.length, arbitrary: fc.constant(good) },
    ...bad.map((arbitrary) => ({ weight: 1, arbitrary })),
  );
const time = (good: number) =>
  mostly<unknown>(
    good,
    fc.integer({ min: T - 100_000, max: T + 100_000 }),
    fc.constantFrom(
      T - TOLERANCE,
      T - TOLERANCE + 1,
      T + TOLERANCE,
      T + TOLERANCE + 1,
      INF,
      `-${INF}`,
      '1800003600',
      null,
      true,
      [T + 3600],
    ),
    fc.double(),
  );
const header = fc
  .tuple(
    fc.record(
      {
        alg: mostly<unknown>(
          'HS256',
          fc.constantFrom('HS384', 'none', 'NONE', 'RS256', 'ES256', '', 256, null),
        ),
        typ: fc.constantFrom('JWT', 'at+jwt', 7, ''),
        kid: fc.constantFrom('k1', '', '../../dev/null', 5, 'x'.repeat(300)),
        extra: fc.jsonValue({ maxDepth: 2 }),
      },
      { requiredKeys: ['alg'] },
    ),
    mostly<[string, unknown] | null>(
      null,
      fc.constantFrom<[string, unknown]>(
        ['crit', ['exp']],
        ['b64', false],
        ['jwk', { kty: 'oct', k: 'AAAA' }],
        ['jku', 'http://127.0.0.1:9/jwks.json'],
        ['x5u', 'http://127.0.0.1:9/x5u'],
        ['x5c', ['MIIB']],
      ),
    ),
  )
  .map(([h, refused]) => (refused === null ? h : { ...h, [refused[0]]: refused[1] }));
const payload = fc
  .tuple(
    fc.record({
      iss: mostly<unknown>(
        ISSUER,
        fc.constantFrom(ISSUER.slice(0, -1), ISSUER.toUpperCase(), [ISSUER], 1, null, ''),
      ),
      aud: mostly<unknown>(
        AUDIENCE,
        fc.constantFrom([AUDIENCE], [AUDIENCE, 'x'], `${AUDIENCE}/`, [], ['x'], null, 5, [
          [AUDIENCE],
        ]),
      ),
      exp: time(T + 3600),
      nbf: time(T - 60),
      iat: time(T - 60),
      sub: mostly<unknown>('svc', fc.constantFrom('', 0, null, ['svc'])),
      scope: fc.constantFrom('read', 'admin', 'read admin', 'ADMIN', ['admin'], 7, '', ' admin '),
      jti: mostly<unknown>('j1', fc.constantFrom(7, '', null)),
      extra: fc.jsonValue({ maxDepth: 2 }),
    }),
    mostly<string[]>(
      [],
      fc.subarray(['iss', 'aud', 'exp', 'nbf', 'iat', 'sub', 'scope', 'jti'], { maxLength: 2 }),
    ),
  )
  .map(([p, drop]) => {
    // Some runs drop claims altogether.
    const out: Record<string, unknown> = { ...p };
    for (const name of drop) delete out[name];
    return out;
  });

type Json = Record<string, unknown>;
const REFUSED = ['crit', 'b64', 'jwk', 'jku', 'x5u', 'x5c'];
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The contract, as a model: could a token with this header and these claims be accepted? */
function mayAccept(h: Json, p: Json): boolean {
  if (h['alg'] !== 'HS256' || REFUSED.some((k) => k in h)) return false;
  if (p['iss'] !== ISSUER) return false;
  const aud = p['aud'];
  const audOk =
    aud === AUDIENCE ||
    (Array.isArray(aud) && aud.every((a) => typeof a === 'string') && aud.includes(AUDIENCE));
  if (!audOk) return false;
  if (!finite(p['exp']) || p['exp'] <= T - TOLERANCE) return false;
  for (const name of ['nbf', 'iat']) {
    const v = p[name];
    if (v !== undefined && (!finite(v) || v > T + TOLERANCE)) return false;
  }
  if (typeof p['sub'] !== 'string' || p['sub'] === '') return false;
  if (p['scope'] !== undefined && typeof p['scope'] !== 'string') return false;
  if (p['jti'] !== undefined && typeof p['jti'] !== 'string') return false;
  return true;
}

/** JSON with the Infinity marker written as 1e400 (which JSON.stringify cannot write). */
const rawJson = (value: Json) =>
  JSON.stringify(value).replaceAll(`"-${INF}"`, '-1e400').replaceAll(`"${INF}"`, '1e400');

describe.each(ADAPTERS)('%s: JWT fuzzing', (adapter) => {
  let hs: Scenario;
  let ec: Scenario;
  let valid: { hs: string; es: string };
  beforeAll(async () => {
    const base = { issuer: ISSUER, audience: AUDIENCE, clockTolerance: TOLERANCE };
    const now = () => T * 1000;
    hs = await scenario(adapter, {
      now,
      watchCredentials: false,
      methods: [jwt({ ...base, algorithms: ['HS256'], secret })],
    });
    ec = await scenario(adapter, {
      now,
      watchCredentials: false,
      methods: [jwt({ ...base, algorithms: ['ES256'], publicKey: es.pem })],
    });
    const body = claims(T, { scope: 'read admin' });
    valid = {
      hs: watch(
        forge({ header: { alg: 'HS256', typ: 'JWT' }, payload: body, signer: hmac(secret) }),
      ),
      es: watch(forge({ header: { alg: 'ES256' }, payload: body, signer: ecdsa(es.privateKey) })),
    };
    for (const t of Object.values(valid)) for (const part of t.split('.').slice(1)) watch(part);
  });

  it('accepts the seed tokens (control)', async () => {
    expect((await hs.bearer(valid.hs, '/admin')).status).toBe(200);
    expect((await ec.bearer(valid.es, '/admin')).status).toBe(200);
  });

  it(
    'never accepts a mutant of a valid token',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          mutations,
          fc.boolean(),
          fc.constantFrom('/private', '/admin'),
          async (edits, useEc, path) => {
            const seed = useEc ? valid.es : valid.hs;
            const bad = mutate(seed, edits);
            fc.pre(bad !== seed);
            const answer = await (useEc ? ec : hs).bearer(bad, path);
            expectSafe(answer, [400, 401]);
          },
        ),
        PARAMS,
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'accepts random headers and claims signed with the real key only when the contract allows',
    async () => {
      let tried = 0;
      let accepted = 0;
      await fc.assert(
        fc.asyncProperty(
          header,
          payload,
          fc.constantFrom('/private', '/admin'),
          async (h, p, path) => {
            tried++;
            const token = forge({
              header: rawJson(h as Json),
              payload: rawJson(p as Json),
              signer: hmac(secret),
            });
            const answer = await hs.bearer(token, path);
            const valid = mayAccept(h as Json, p as Json);
            if (!valid) {
              expectSafe(answer, [401]);
              return;
            }
            expectSafe(answer, path === '/admin' ? [200, 401, 403] : [200, 401]);
            if (answer.status !== 401) accepted++;
            if (answer.status === 200 && path === '/admin') {
              expect(String(p['scope']).split(' ')).toContain('admin');
            }
          },
        ),
        PARAMS,
      );
      // The model is exercised on both sides: some runs were valid tokens, accepted.
      if (tried >= 100) expect(accepted).toBeGreaterThan(0);
    },
    FUZZ_TIMEOUT,
  );

  it(
    'answers random Authorization values with 400 or 401, never 200 or 500',
    async () => {
      const b64token = fc.string({
        unit: fc.constantFrom(...'ABCxyz019-._~+/='.split('')),
        minLength: 1,
        maxLength: 120,
      });
      const value = fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.string({ unit: 'binary-ascii', maxLength: 200 }),
        b64token.map((t) => `Bearer ${t}`),
        fc
          .tuple(
            fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Basic', 'Token', 'Bearer  ', ''),
            fc.string({ maxLength: 80 }),
          )
          .map(([s, t]) => `${s} ${t}`),
        fc
          .array(fc.base64String({ maxLength: 60 }), { minLength: 1, maxLength: 6 })
          .map((segments) => `Bearer ${segments.join('.')}`),
      );
      await fc.assert(
        fc.asyncProperty(
          value,
          fc.constantFrom('/private', '/admin', '/optional'),
          async (v, path) => {
            const answer = await hs.get(path, { authorization: v });
            expectSafe(answer, path === '/optional' ? [200, 400, 401] : [400, 401]);
            if (answer.status === 200) expect(answer.json?.['anonymous']).toBe(true);
          },
        ),
        PARAMS,
      );
    },
    FUZZ_TIMEOUT,
  );
});
