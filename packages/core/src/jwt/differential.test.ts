// Differential property test: our verifier against jose's jwtVerify on the same key, algorithms,
// issuer, audience, clock and tolerance. Whenever we accept, jose must accept. On tokens inside
// the domain where both mean to agree, jose accepting means we accept too.
//
// Deliberate differences (we are stricter; outside the two-way domain, one-way only):
// - `exp` is required and must be finite (jose: optional; 1e400 parses to Infinity, which jose
//   takes as never expiring); `sub` must be a non-empty string (jose: optional);
// - `iat` in the future beyond the tolerance is refused even without maxTokenAge;
// - `crit`, `b64`, `jwk`, `jku`, `x5u`, `x5c` headers are refused; `kid` must be a short string;
// - `jti` must be a string; `scope` must be a string; `aud` arrays must hold only strings;
// - base64url must be canonical and UTF-8 strict (jose decodes leniently);
// - times are compared to the millisecond clock, where jose floors it to the second: the clock
//   here is a whole second, where the two agree.
import {
  constants,
  createHmac,
  generateKeyPairSync,
  type KeyObject,
  sign as nodeSign,
  randomBytes,
} from 'node:crypto';
import fc from 'fast-check';
import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { AUDIENCE, b64, ctx, IMPLS, ISSUER, NOW, NOW_MS } from '../test-helpers/jwt-fixtures.js';
import type { Algorithm } from './algorithms.js';
import { createJwtVerifier } from './verifier.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 300);
const TOLERANCE = 5;

interface Keyed {
  algorithms: Algorithm[];
  privateKey: KeyObject | Uint8Array;
  verifyKey: KeyObject | Uint8Array;
}
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const ed = generateKeyPairSync('ed25519');
const secret = randomBytes(32);
const KEYS: Keyed[] = [
  { algorithms: ['HS256'], privateKey: secret, verifyKey: secret },
  { algorithms: ['RS256', 'PS256'], privateKey: rsa.privateKey, verifyKey: rsa.publicKey },
  { algorithms: ['ES256'], privateKey: p256.privateKey, verifyKey: p256.publicKey },
  { algorithms: ['ES384'], privateKey: p384.privateKey, verifyKey: p384.publicKey },
  { algorithms: ['EdDSA'], privateKey: ed.privateKey, verifyKey: ed.publicKey },
];

/** Sign `input` as `alg` with the key's private half (whatever the header claims). */
function rawSign(alg: Algorithm, key: Keyed, input: string): Buffer {
  const data = Buffer.from(input);
  if (key.privateKey instanceof Uint8Array)
    return createHmac('sha256', key.privateKey).update(input).digest();
  const pk = key.privateKey;
  if (alg === 'PS256') {
    return nodeSign('sha256', data, {
      key: pk,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    });
  }
  if (alg.startsWith('ES'))
    return nodeSign(alg === 'ES384' ? 'sha384' : 'sha256', data, {
      key: pk,
      dsaEncoding: 'ieee-p1363',
    });
  if (alg === 'EdDSA') return nodeSign(null, data, pk);
  return nodeSign('sha256', data, pk);
}

const around = (spread: number) => fc.integer({ min: NOW - spread, max: NOW + spread });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });
const rarely = <T, U>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<U>) =>
  fc.oneof({ weight: 8, arbitrary: usual }, { weight: 1, arbitrary: odd });

// Mostly valid values, so that acceptance is common and each rule is hit alone.
const mostly = <T>(good: T, ...bad: unknown[]) =>
  fc.oneof(
    { weight: 5, arbitrary: fc.constant(good) },
    { weight: 1, arbitrary: fc.constantFrom(...bad) },
  );

const payloadArb = fc.record({
  iss: mostly(ISSUER, 'https://other/', `${ISSUER} `, 42, undefined),
  aud: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(AUDIENCE, [AUDIENCE, 'other']) },
    { weight: 1, arbitrary: fc.constantFrom('other', ['other'], [], undefined, [AUDIENCE, 7]) },
  ),
  sub: mostly('user-1', '', undefined, 5, ['u']),
  exp: fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: NOW - 8, max: NOW + 120 }) },
    { weight: 1, arbitrary: around(30) },
    { weight: 1, arbitrary: fc.constantFrom(undefined, 'soon', 1.5e300, NOW + 0.5) },
  ),
  nbf: maybe(rarely(around(30), fc.constantFrom('x', null))),
  iat: maybe(rarely(fc.integer({ min: NOW - 60, max: NOW + 10 }), fc.constant('x'))),
  jti: maybe(rarely(fc.string({ maxLength: 8 }), fc.integer())),
  scope: maybe(
    rarely(fc.string({ maxLength: 12 }), fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 })),
  ),
});

const anyHeaderArb = fc.record(
  {
    kid: fc.oneof(fc.string({ maxLength: 10 }), fc.integer()),
    typ: fc.constantFrom('JWT', 'at+jwt', 'application/jwt'),
    crit: fc.constantFrom(['exp'], []),
    jku: fc.constant('https://attacker.example/jwks'),
    b64: fc.boolean(),
    x5u: fc.constant('https://attacker.example/x5u'),
  },
  { requiredKeys: [] },
);

const headerExtraArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({}) },
  {
    weight: 2,
    arbitrary: fc.record(
      { kid: fc.string({ maxLength: 10 }), typ: fc.constantFrom('JWT', 'at+jwt') },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: anyHeaderArb },
);

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/. ';
const mutationArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('flip' as const),
      segment: fc.nat(2),
      at: fc.nat(),
      char: fc.constantFrom(...ALPHABET),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('swap' as const), a: fc.nat(2), b: fc.nat(2) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('reheader' as const),
      alg: fc.constantFrom('none', 'HS256', 'RS256', 'ES256', 'PS256', 'EdDSA', 'ES384'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('resign-alg' as const),
      alg: fc.constantFrom('none', 'HS256', 'RS256', 'ES256', 'PS256', 'EdDSA', 'NONE'),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'truncate' as const }) },
);
type Mutation = typeof mutationArb extends fc.Arbitrary<infer T> ? T : never;

function build(
  key: Keyed,
  alg: Algorithm,
  payload: Record<string, unknown>,
  extra: Record<string, unknown>,
  mutation: Mutation,
): string {
  const header: Record<string, unknown> = { alg, ...extra };
  if (mutation.kind === 'resign-alg') header['alg'] = mutation.alg;
  const signed = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}`;
  const token = `${signed}.${b64(rawSign(alg, key, signed))}`;
  const parts = token.split('.');
  switch (mutation.kind) {
    case 'flip': {
      const s = parts[mutation.segment]!;
      const at = mutation.at % s.length;
      parts[mutation.segment] = s.slice(0, at) + mutation.char + s.slice(at + 1);
      return parts.join('.');
    }
    case 'swap':
      [parts[mutation.a], parts[mutation.b]] = [parts[mutation.b]!, parts[mutation.a]!];
      return parts.join('.');
    case 'reheader':
      parts[0] = b64(JSON.stringify({ ...header, alg: mutation.alg }));
      return parts.join('.');
    case 'truncate':
      return token.slice(0, -1);
    default:
      return token;
  }
}

/** Inside this domain both verifiers mean the same thing, so they must agree both ways. */
function agreed(
  payload: Record<string, unknown>,
  extra: Record<string, unknown>,
  mutation: Mutation,
): boolean {
  const { exp, sub, iat, jti, scope, aud } = payload;
  return (
    mutation.kind === 'none' &&
    Object.keys(extra).every((k) => k === 'typ' || (k === 'kid' && typeof extra[k] === 'string')) &&
    typeof exp === 'number' &&
    Number.isFinite(exp) &&
    typeof sub === 'string' &&
    sub !== '' &&
    (iat === undefined || typeof iat !== 'number' || iat <= NOW + TOLERANCE) &&
    (jti === undefined || typeof jti === 'string') &&
    (scope === undefined || typeof scope === 'string') &&
    (!Array.isArray(aud) || aud.every((a) => typeof a === 'string'))
  );
}

describe.each(IMPLS)('differential against jose on $runtime crypto', (impl) => {
  const verifiers = KEYS.map((key) =>
    createJwtVerifier(
      {
        algorithms: key.algorithms,
        issuer: ISSUER,
        audience: AUDIENCE,
        ...(key.privateKey instanceof Uint8Array
          ? { secret: key.verifyKey as Uint8Array }
          : { publicKey: key.verifyKey as KeyObject }),
        clockTolerance: TOLERANCE,
      },
      impl,
    ),
  );

  it(`never accepts what jose rejects, and agrees on clean tokens (${RUNS} runs)`, async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat(KEYS.length - 1),
        fc.nat(1),
        payloadArb,
        headerExtraArb,
        mutationArb,
        async (k, which, rawPayload, extra, mutation) => {
          const key = KEYS[k]!;
          const alg = key.algorithms[which % key.algorithms.length]!;
          const payload = JSON.parse(JSON.stringify(rawPayload)) as Record<string, unknown>;
          const token = build(key, alg, payload, extra, mutation);
          const ours = await verifiers[k]!.verify(token, ctx()).then(
            () => true,
            (e: { status: number }) => {
              expect(e.status).toBe(401);
              return false;
            },
          );
          const theirs = await jwtVerify(token, key.verifyKey, {
            algorithms: key.algorithms,
            issuer: ISSUER,
            audience: AUDIENCE,
            currentDate: new Date(NOW_MS),
            clockTolerance: TOLERANCE,
          }).then(
            () => true,
            () => false,
          );
          if (ours) {
            accepted++;
            expect(theirs, 'we accepted what jose rejects').toBe(true);
          }
          if (agreed(payload, extra, mutation))
            expect(ours, 'jose accepted a clean token we refused').toBe(theirs);
        },
      ),
      { numRuns: RUNS },
    );
    // The generators must reach acceptance often enough for the property to mean something.
    expect(accepted).toBeGreaterThan(RUNS / 50);
  });
});
