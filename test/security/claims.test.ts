// Claims: `exp` required and finite, times of 1e400 (Infinity), the tolerance edges under a
// frozen clock, near-miss issuers and audiences, and ID tokens replayed as access tokens when the
// `at+jwt` profile is on.
import { AuthErrorCodes as C, type JwtOptions, jwt } from '@portcullis/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, type AdapterName } from './support/apps.js';
import { useLeakCheck } from './support/collector.js';
import { expectAccepted, expectRejected, scenario } from './support/harness.js';
import { forge, hmac } from './support/jws.js';
import { AUDIENCE, claims, hmacSecret, ISSUER, marker } from './support/keys.js';

useLeakCheck();

// A frozen clock, on a whole second, that a test can move.
const T = 1_800_000_000;
const clock = { now: T * 1000 };
const TOLERANCE = 10;

let secret: string;
beforeAll(() => {
  secret = hmacSecret();
});

const app = (adapter: AdapterName, extra: Partial<JwtOptions> = {}) =>
  scenario(adapter, {
    now: () => clock.now,
    methods: [
      jwt({
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        secret,
        clockTolerance: TOLERANCE,
        ...extra,
      }),
    ],
  });
const sign = (
  payload: Record<string, unknown> | string,
  header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' },
) => forge({ header, payload, signer: hmac(secret) });
const at = (overrides: Record<string, unknown>) => claims(T, overrides);

/** Claims as raw JSON with one member's raw text replaced (for 1e400, which JSON.stringify cannot write). */
function raw(name: string, text: string | undefined): string {
  const { [name]: _, ...rest } = at({});
  const json = JSON.stringify(rest);
  return text === undefined ? json : `${json.slice(0, -1)},"${name}":${text}}`;
}

describe.each(ADAPTERS)('%s: claims', (adapter) => {
  it('accepts an honest token at the frozen time (control)', async () => {
    clock.now = T * 1000;
    expectAccepted(await (await app(adapter)).bearer(sign(at({}))));
  });

  it('requires exp, as a finite number', async () => {
    clock.now = T * 1000;
    const a = await app(adapter);
    expectRejected(await a.bearer(sign(raw('exp', undefined))), 401, [C.JWT_CLAIM_MISSING]);
    for (const text of [
      '"1800000600"',
      'null',
      'true',
      '[1800000600]',
      '{}',
      '1e400',
      '-1e400',
      '"Infinity"',
    ]) {
      expectRejected(await a.bearer(sign(raw('exp', text))), 401, [C.JWT_CLAIM_INVALID]);
    }
  });

  it('refuses nbf and iat of 1e400 (Infinity) and of the wrong type', async () => {
    clock.now = T * 1000;
    const a = await app(adapter);
    for (const name of ['nbf', 'iat']) {
      for (const text of ['1e400', '-1e400', '"0"', 'null', '[]']) {
        expectRejected(await a.bearer(sign(raw(name, text))), 401, [
          C.JWT_CLAIM_INVALID,
          C.JWT_NOT_YET_VALID,
          C.JWT_ISSUED_IN_FUTURE,
        ]);
      }
    }
  });

  it('holds exp to the tolerance, to the second', async () => {
    clock.now = T * 1000;
    const a = await app(adapter);
    expectRejected(await a.bearer(sign(at({ exp: T - TOLERANCE }))), 401, [C.JWT_EXPIRED]);
    expectRejected(await a.bearer(sign(at({ exp: T - TOLERANCE - 1 }))), 401, [C.JWT_EXPIRED]);
    expectAccepted(await a.bearer(sign(at({ exp: T - TOLERANCE + 1 }))));
    expectAccepted(await a.bearer(sign(at({ exp: T }))));
  });

  it('holds nbf and iat to the tolerance, to the second', async () => {
    clock.now = T * 1000;
    const a = await app(adapter);
    expectAccepted(await a.bearer(sign(at({ nbf: T + TOLERANCE }))));
    expectRejected(await a.bearer(sign(at({ nbf: T + TOLERANCE + 1 }))), 401, [
      C.JWT_NOT_YET_VALID,
    ]);
    expectAccepted(await a.bearer(sign(at({ iat: T + TOLERANCE }))));
    expectRejected(await a.bearer(sign(at({ iat: T + TOLERANCE + 1 }))), 401, [
      C.JWT_ISSUED_IN_FUTURE,
    ]);
  });

  it('with no tolerance, a token expires at exp exactly (RFC 7519: now must be before exp)', async () => {
    clock.now = T * 1000;
    const a = await app(adapter, { clockTolerance: 0 });
    expectRejected(await a.bearer(sign(at({ exp: T }))), 401, [C.JWT_EXPIRED]);
    expectAccepted(await a.bearer(sign(at({ exp: T + 1 }))));
  });

  it('compares fractional times to the millisecond clock, not to a floored second', async () => {
    // exp is a NumericDate and may carry a fraction (RFC 7519 §2). With no tolerance, a token
    // whose exp is T + 0.5 has expired at T + 0.9: "now" must be before exp.
    const a = await app(adapter, { clockTolerance: 0 });
    clock.now = T * 1000 + 400;
    expectAccepted(await a.bearer(sign(at({ exp: T + 0.5 }))));
    clock.now = T * 1000 + 900;
    expectRejected(await a.bearer(sign(at({ exp: T + 0.5, jti: 'fraction-2' }))), 401, [
      C.JWT_EXPIRED,
    ]);
    clock.now = T * 1000;
  });

  it('expires a token it accepted (and cached) when the clock moves past exp + tolerance', async () => {
    clock.now = T * 1000;
    const a = await app(adapter);
    const token = sign(at({ exp: T + 100 }));
    expectAccepted(await a.bearer(token));
    clock.now = (T + 100 + TOLERANCE - 1) * 1000;
    expectAccepted(await a.bearer(token));
    clock.now = (T + 100 + TOLERANCE) * 1000;
    expectRejected(await a.bearer(token), 401, [C.JWT_EXPIRED]);
    clock.now = (T + 100_000) * 1000;
    expectRejected(await a.bearer(token), 401, [C.JWT_EXPIRED]);
    clock.now = T * 1000;
  });

  it('refuses tokens older than maxTokenAge, and tokens without iat when it is set', async () => {
    clock.now = T * 1000;
    const a = await app(adapter, { maxTokenAge: 600 });
    expectAccepted(await a.bearer(sign(at({ iat: T - 600 }))));
    expectRejected(await a.bearer(sign(at({ iat: T - 600 - TOLERANCE - 1 }))), 401, [
      C.JWT_TOO_OLD,
    ]);
    expectRejected(await a.bearer(sign(raw('iat', undefined))), 401, [C.JWT_CLAIM_MISSING]);
  });

  it('matches iss exactly: no case folding, slash trimming or arrays', async () => {
    clock.now = T * 1000;
    const a = await app(adapter);
    const nearMisses: unknown[] = [
      ISSUER.slice(0, -1),
      `${ISSUER}/`,
      ISSUER.toUpperCase(),
      ISSUER.replace('https', 'HTTPS'),
      ISSUER.replace('https:', 'http:'),
      `${ISSUER} `,
      ` ${ISSUER}`,
      `${ISSUER}\u0000`,
      `${ISSUER}.evil.test/`,
      `${ISSUER}?x=1`,
      [ISSUER],
      { iss: ISSUER },
      null,
      '',
    ];
    for (const iss of nearMisses) {
      expectRejected(await a.bearer(sign(at({ iss }))), 401, [C.JWT_ISSUER_INVALID]);
    }
    expectRejected(await a.bearer(sign(raw('iss', undefined))), 401, [
      C.JWT_ISSUER_INVALID,
      C.JWT_CLAIM_MISSING,
    ]);
  });

  it('matches aud exactly: a near miss never counts, an array must contain ours', async () => {
    clock.now = T * 1000;
    const a = await app(adapter);
    expectAccepted(await a.bearer(sign(at({ aud: [marker('aud'), AUDIENCE] }))));
    const nearMisses: unknown[] = [
      `${AUDIENCE}/`,
      AUDIENCE.toUpperCase(),
      `${AUDIENCE} `,
      `${AUDIENCE}.evil.test`,
      [],
      [`${AUDIENCE}/`],
      [[AUDIENCE]],
      [AUDIENCE.toUpperCase(), `${AUDIENCE} `],
      { aud: AUDIENCE },
      `${AUDIENCE} ${AUDIENCE}`,
      null,
      '',
      1,
    ];
    for (const aud of nearMisses) {
      expectRejected(await a.bearer(sign(at({ aud }))), 401, [C.JWT_AUDIENCE_INVALID]);
    }
    expectRejected(await a.bearer(sign(raw('aud', undefined))), 401, [
      C.JWT_AUDIENCE_INVALID,
      C.JWT_CLAIM_MISSING,
    ]);
  });

  it('requires a non-empty string subject', async () => {
    clock.now = T * 1000;
    const a = await app(adapter);
    expectRejected(await a.bearer(sign(raw('sub', undefined))), 401, [C.JWT_CLAIM_MISSING]);
    for (const sub of ['', 7, null, ['svc'], { id: 'svc' }]) {
      expectRejected(await a.bearer(sign(at({ sub }))), 401, [
        C.JWT_CLAIM_INVALID,
        C.JWT_CLAIM_MISSING,
      ]);
    }
  });

  it('reads scope as a space-delimited string, exactly; never from another shape', async () => {
    clock.now = T * 1000;
    const a = await app(adapter);
    expectAccepted(await a.bearer(sign(at({ scope: 'read admin' })), '/admin'));
    for (const scope of [
      'ADMIN',
      'read,admin',
      'read\tadmin',
      'admin:read',
      ' admin_',
      'administrator',
    ]) {
      expectRejected(await a.bearer(sign(at({ scope })), '/admin'), 403);
    }
    for (const scope of [['admin'], { admin: true }, 1, true]) {
      expectRejected(await a.bearer(sign(at({ scope })), '/admin'), 401, [C.JWT_CLAIM_INVALID]);
    }
  });

  it('reads scp and permissions arrays exactly; never an array with a non-string', async () => {
    clock.now = T * 1000;
    for (const scopeClaim of ['scp', 'permissions'] as const) {
      const a = await app(adapter, { scopeClaim });
      const without = (value: unknown) => at({ scope: undefined, [scopeClaim]: value });
      expectAccepted(await a.bearer(sign(without(['read', 'admin'])), '/admin'));
      for (const value of [['Admin'], ['admin '], ['read,admin'], [], ['ad', 'min']]) {
        expectRejected(await a.bearer(sign(without(value)), '/admin'), 403);
      }
      for (const value of [
        ['admin', 1],
        [['admin']],
        [{ admin: true }],
        { 0: 'admin', length: 1 },
        7,
        true,
      ]) {
        expectRejected(await a.bearer(sign(without(value)), '/admin'), 401, [C.JWT_CLAIM_INVALID]);
      }
      // The default `scope` claim is not read when another claim is configured.
      expectRejected(await a.bearer(sign(at({ scope: 'admin' })), '/admin'), 403);
    }
  });

  it('with the at+jwt profile, refuses ID tokens and other types', async () => {
    clock.now = T * 1000;
    const a = await app(adapter, { typ: 'at+jwt' });
    expectAccepted(await a.bearer(sign(at({}), { alg: 'HS256', typ: 'at+jwt' })));
    expectAccepted(await a.bearer(sign(at({}), { alg: 'HS256', typ: 'application/at+jwt' })));
    // An OpenID Connect ID token for the same audience, as a client might replay it.
    const idToken = at({
      nonce: marker('nonce'),
      auth_time: T - 5,
      azp: AUDIENCE,
      scope: undefined,
    });
    for (const typ of [
      'JWT',
      'jwt',
      undefined,
      '',
      'id_token+jwt',
      'at+jwt2',
      'at',
      'application/jwt',
      'at+JWT+x',
    ]) {
      const header: Record<string, unknown> = { alg: 'HS256' };
      if (typ !== undefined) header['typ'] = typ;
      expectRejected(await a.bearer(sign(idToken, header)), 401, [C.JWT_TYP_INVALID]);
      expectRejected(await a.bearer(sign(at({}), header)), 401, [C.JWT_TYP_INVALID]);
    }
    for (const typ of [7, null, ['at+jwt'], { typ: 'at+jwt' }]) {
      expectRejected(await a.bearer(sign(at({}), { alg: 'HS256', typ })), 401, [
        C.JWT_TYP_INVALID,
        C.JWT_MALFORMED,
      ]);
    }
  });

  it('never accepts a token signed for another issuer by the same secret', async () => {
    clock.now = T * 1000;
    const a = await app(adapter);
    const answer = await a.bearer(sign(at({ iss: 'https://other.portcullis.test/' })));
    expectRejected(answer, 401, [C.JWT_ISSUER_INVALID]);
    expect(answer.body).not.toContain('other.portcullis.test');
  });
});
