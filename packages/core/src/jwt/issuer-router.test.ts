import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../authenticator.js';
import { AuthErrorCodes as C } from '../error-codes.js';
import { fromNodeHeaders } from '../request.js';
import { failure } from '../test-helpers/failure.js';
import { fakeMethod } from '../test-helpers/fake-method.js';
import {
  AUDIENCE,
  b64,
  claims,
  HS256_HEADER,
  IMPLS,
  NOW_MS,
  rawHs256,
} from '../test-helpers/jwt-fixtures.js';
import type { AuthEvent, CredentialSource, Method } from '../types.js';
import { issuerRouter } from './issuer-router.js';
import { jwt } from './jwt.js';
import type { JwtMethod, JwtOptions } from './types.js';

const A = 'https://a.example.com/';
const B = 'https://b.example.com';
const ISS_C = 'https://c.example.com/tenant';
const AUTH: CredentialSource = { kind: 'authorization' };

/** A raw token whose payload segment is `payload` (encoded as given); the signature is junk. */
const SIG = b64('signature-signature');
const withPayload = (payload: string) => `${b64(HS256_HEADER)}.${b64(payload)}.${SIG}`;
const issuedBy = (iss: unknown) => withPayload(JSON.stringify({ iss, sub: 'x' }));

const issuerMethod = (issuers: string[], extra: Partial<Method> = {}): Method => ({
  ...fakeMethod({ type: 'jwt' }),
  recognizes: (value) => value.includes('.'),
  issuers,
  ...extra,
});

describe.each(IMPLS)('issuerRouter on $runtime crypto', (impl) => {
  it('is not made for fewer than two methods that carry issuers', () => {
    expect(issuerRouter([issuerMethod([A])], impl)).toBeUndefined();
    expect(issuerRouter([issuerMethod([A]), fakeMethod()], impl)).toBeUndefined();
    expect(issuerRouter([issuerMethod([A]), issuerMethod([B])], impl)).toBeDefined();
  });

  it('routes a token by its exact, unverified iss', () => {
    const a = issuerMethod([A]);
    const bc = issuerMethod([B, ISS_C]);
    const router = issuerRouter([a, bc], impl)!;
    expect(router.route(issuedBy(A), AUTH, a)?.method).toBe(a);
    expect(router.route(issuedBy(B), AUTH, a)?.method).toBe(bc);
    expect(router.route(issuedBy(ISS_C), AUTH, a)?.method).toBe(bc);
    // Exact: no trailing-slash, case or whitespace leniency.
    for (const iss of [
      'https://a.example.com',
      `${B}/`,
      'HTTPS://b.example.com',
      ` ${B}`,
      `${ISS_C}/`,
    ]) {
      expect(router.route(issuedBy(iss), AUTH, a), iss).toBeUndefined();
    }
  });

  it('answers undefined for an iss that is absent, not a string, or inherited', () => {
    const a = issuerMethod([A, 'toString']);
    const router = issuerRouter([a, issuerMethod([B])], impl)!;
    for (const iss of [undefined, null, 7, [A], { A }, true]) {
      expect(router.route(issuedBy(iss), AUTH, a), String(iss)).toBeUndefined();
    }
    expect(router.route(withPayload('{"sub":"x"}'), AUTH, a)).toBeUndefined();
    // `__proto__` from JSON is an own data property, never the object's prototype.
    expect(router.route(withPayload(`{"__proto__":{"iss":"${A}"}}`), AUTH, a)).toBeUndefined();
    // A Map, not an object: `toString` is an issuer only because it is configured.
    expect(router.route(issuedBy('toString'), AUTH, issuerMethod([B]))?.method).toBe(a);
    expect(router.route(issuedBy('constructor'), AUTH, a)).toBeUndefined();
  });

  it('sends a token whose payload cannot be read to the fallback, which refuses it precisely', () => {
    const a = issuerMethod([A]);
    const b = issuerMethod([B]);
    const router = issuerRouter([a, b], impl)!;
    for (const token of [
      'no-dots',
      'one.dot',
      `${b64(HS256_HEADER)}..sig`,
      `${b64(HS256_HEADER)}.${b64(JSON.stringify({ iss: B }))}=.sig`, // padded: not canonical
      `${b64(HS256_HEADER)}.${b64(JSON.stringify({ iss: B })).slice(0, -1)}!.sig`,
      withPayload('not json'),
      withPayload(`[${JSON.stringify({ iss: B })}]`),
      withPayload('null'),
      `${b64(HS256_HEADER)}.${Buffer.from([0xff, 0xfe]).toString('base64url')}.sig`, // not UTF-8
    ]) {
      expect(router.route(token, AUTH, b)?.method, token).toBe(b);
    }
  });

  it('reads the iss of a payload nested 100,000 levels deep without overflowing', () => {
    const a = issuerMethod([A]);
    const b = issuerMethod([B]);
    const router = issuerRouter([a, b], impl)!;
    const deep = `{"iss":${JSON.stringify(B)},"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect(router.route(withPayload(deep), AUTH, a)?.method).toBe(b);
  });

  it('routes only to a method that takes the credential from where it was found', () => {
    const a = issuerMethod([A], { cookies: ['session'] });
    const b = issuerMethod([B]);
    const router = issuerRouter([a, b], impl)!;
    const cookie: CredentialSource = { kind: 'cookie', name: 'session' };
    expect(router.route(issuedBy(A), cookie, a)?.method).toBe(a);
    expect(router.route(issuedBy(B), cookie, a)).toBeUndefined();
    expect(router.route(issuedBy(B), AUTH, a)?.method).toBe(b);
  });

  it('remembers a routed token, by the whole token', () => {
    let decoded = 0;
    const counting = {
      ...impl,
      decodeSegment: (s: string) => {
        decoded++;
        return impl.decodeSegment(s);
      },
    };
    const a = issuerMethod([A]);
    const b = issuerMethod([B]);
    const router = issuerRouter([a, b], counting)!;
    const token = issuedBy(B);
    for (let i = 0; i < 5; i++) expect(router.route(token, AUTH, a)?.method).toBe(b);
    expect(decoded).toBe(1);
    // The same last characters, another issuer: the whole token is compared, never the tail.
    const other = issuedBy(A);
    expect(other.slice(-16)).toBe(token.slice(-16));
    expect(router.route(other, AUTH, b)?.method).toBe(a);
    expect(router.route(token, AUTH, a)?.method).toBe(b);
    // Unknown issuers are not remembered: each is read again, and refused again.
    const unknown = issuedBy('https://nobody.example.com');
    router.route(unknown, AUTH, a);
    const before = decoded;
    expect(router.route(unknown, AUTH, a)).toBeUndefined();
    expect(decoded).toBe(before + 1);
  });

  it('stays bounded: a flood of one-off tokens empties the memo, routing stays right', () => {
    const a = issuerMethod([A]);
    const b = issuerMethod([B]);
    const router = issuerRouter([a, b], impl)!;
    for (let i = 0; i < 25_000; i++) {
      const iss = i % 2 === 0 ? A : B;
      const token = withPayload(JSON.stringify({ iss, n: i }));
      expect(router.route(token, AUTH, a)?.method).toBe(i % 2 === 0 ? a : b);
    }
  });

  it('refuses one issuer in two methods, and issuers that are not strings', () => {
    expect(() => issuerRouter([issuerMethod([A, B]), issuerMethod([B])], impl)).toThrow(
      new TypeError(
        `createAuthenticator(): the issuer "${B}" is in two jwt() methods; give each issuer one method (it may list several algorithms and audiences)`,
      ),
    );
    for (const issuers of ['x', [''], [1], null]) {
      expect(() =>
        issuerRouter([issuerMethod([A]), issuerMethod(issuers as string[])], impl),
      ).toThrow(TypeError);
    }
    // The same method listed twice is no conflict.
    const a = issuerMethod([A]);
    expect(() => issuerRouter([a, a], impl)).not.toThrow();
  });
});

// The authenticator with real jwt() methods: HS256 secrets, and a remote key set that counts.
describe('createAuthenticator with several jwt() methods', () => {
  const secretA = new Uint8Array(32).fill(1);
  const secretB = new Uint8Array(32).fill(2);
  const hs = (iss: string, extra: Partial<JwtOptions> = {}): JwtOptions => ({
    algorithms: ['HS256'],
    issuer: iss,
    audience: AUDIENCE,
    secret: iss === A ? secretA : secretB,
    ...extra,
  });
  const token = (secret: Uint8Array, overrides: Record<string, unknown>) =>
    rawHs256(HS256_HEADER, JSON.stringify(claims(overrides)), secret);
  const bearer = (value: string) => fromNodeHeaders({ authorization: [`Bearer ${value}`] });

  /** A method whose verify calls are counted; the copy keeps `issuers`. */
  function counted(method: JwtMethod) {
    const calls = { n: 0 };
    const wrapped: Method = {
      ...method,
      verify(value, ctx) {
        calls.n++;
        return method.verify(value, ctx);
      },
    };
    return { method: wrapped, calls };
  }

  function setup(methods: Method[]) {
    const events: AuthEvent[] = [];
    const auth = createAuthenticator({
      methods,
      now: () => NOW_MS,
      onEvent: (e) => events.push(e),
    });
    return { auth, events };
  }

  it('exposes the issuers on the method, and a wrapped copy keeps them', () => {
    const method = jwt(hs(A, { issuer: [A, B] }));
    expect(method.issuers).toEqual([A, B]);
    expect(Object.isFrozen(method.issuers)).toBe(true);
    expect({ ...method }.issuers).toEqual([A, B]);
  });

  it("verifies each token with its issuer's method only, the wrappers running as written", async () => {
    const a = counted(jwt(hs(A)));
    const b = counted(jwt(hs(B)));
    const { auth, events } = setup([a.method, b.method]);
    for (let i = 0; i < 3; i++) {
      const fromB = await auth.authenticate(bearer(token(secretB, { iss: B, sub: 'from-b' })));
      expect(fromB?.subject).toBe('from-b');
      const fromA = await auth.authenticate(bearer(token(secretA, { iss: A, sub: 'from-a' })));
      expect(fromA?.subject).toBe('from-a');
    }
    expect([a.calls.n, b.calls.n]).toEqual([3, 3]);
    expect(events.every((e) => e.outcome === 'success')).toBe(true);
  });

  it('never verifies a token with the key of another issuer than the one it names', async () => {
    const a = counted(jwt(hs(A)));
    const b = counted(jwt(hs(B)));
    const { auth, events } = setup([a.method, b.method]);
    // Signed with A's secret, claiming B: B's method refuses the signature; A's never sees it.
    const err = await failure(auth.authenticate(bearer(token(secretA, { iss: B }))));
    expect(err).toMatchObject({ status: 401, code: C.JWT_SIGNATURE_INVALID });
    expect([a.calls.n, b.calls.n]).toEqual([0, 1]);
    expect(events.at(-1)).toMatchObject({ outcome: 'failure', method: 'jwt', reason: 'signature' });
  });

  it('answers 401 ERR_JWT_ISSUER_INVALID for an iss no method has, without verifying', async () => {
    const a = counted(jwt(hs(A)));
    const b = counted(jwt(hs(B)));
    const { auth, events } = setup([a.method, b.method]);
    for (const iss of ['https://c.example.com/', undefined, 42, `${A} `]) {
      const err = await failure(auth.authenticate(bearer(token(secretA, { iss }))));
      expect(err).toMatchObject({
        status: 401,
        error: 'invalid_token',
        code: C.JWT_ISSUER_INVALID,
      });
      expect(err.headers['www-authenticate']).toBe(
        'Bearer realm="api", error="invalid_token", error_description="The token issuer is not accepted"',
      );
      expect(events.at(-1)).toEqual({
        outcome: 'failure',
        method: 'jwt',
        code: C.JWT_ISSUER_INVALID,
        reason: 'issuer_unknown',
        status: 401,
        time: NOW_MS,
      });
    }
    expect([a.calls.n, b.calls.n]).toEqual([0, 0]);
    // Even on an optional route: a bad credential is refused.
    await failure(auth.authenticate(bearer(token(secretA, { iss: 'x' })), { optional: true }));
  });

  it('lets the first jwt() method refuse a payload that cannot be read', async () => {
    const a = counted(jwt(hs(A)));
    const b = counted(jwt(hs(B)));
    const { auth, events } = setup([fakeMethod({ prefix: 'pcs' }), a.method, b.method]);
    const err = await failure(auth.authenticate(bearer(rawHs256(HS256_HEADER, '[1]', secretA))));
    expect(err).toMatchObject({ status: 401, code: C.JWT_MALFORMED });
    expect(events.at(-1)).toMatchObject({ reason: 'json' });
    expect([a.calls.n, b.calls.n]).toEqual([1, 0]);
  });

  it('still answers 400 for a bearer value outside the b64token grammar', async () => {
    const { auth } = setup([jwt(hs(A)), jwt(hs(B))]);
    const err = await failure(auth.authenticate(bearer(`${issuedBy('nobody')}~~(`)));
    expect(err).toMatchObject({ status: 400, code: C.MALFORMED_REQUEST });
  });

  it('refuses the same issuer in two methods with a TypeError naming it', () => {
    expect(() =>
      createAuthenticator({ methods: [jwt(hs(A)), jwt(hs(B, { issuer: [B, A] }))] }),
    ).toThrow(/the issuer "https:\/\/a\.example\.com\/" is in two jwt\(\) methods/);
  });

  it('keeps one jwt() method on its own path: the issuer is checked after the signature', async () => {
    const a = counted(jwt(hs(A)));
    const { auth, events } = setup([a.method]);
    const err = await failure(auth.authenticate(bearer(token(secretA, { iss: B }))));
    expect(err.code).toBe(C.JWT_ISSUER_INVALID);
    expect(events.at(-1)?.reason).toBe('issuer');
    expect(a.calls.n).toBe(1);
  });

  it('refuses an unknown issuer and a symmetric alg before any key set fetch', async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' };
    const fetched: string[] = [];
    const fetch = async (url: string | URL | Request) => {
      fetched.push(String(url));
      return Response.json({ keys: [jwk] });
    };
    const remote = (iss: string) =>
      jwt({
        algorithms: ['RS256'],
        issuer: iss,
        audience: AUDIENCE,
        jwks: `https://${new URL(iss).host}/jwks.json`,
        jwksOptions: { fetch },
      });
    const { auth } = setup([remote(A), remote(B)]);
    const signed = (iss: string) =>
      new SignJWT(claims({ iss }))
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .sign(pair.privateKey);
    const unknown = await failure(auth.authenticate(bearer(await signed('https://c.example/'))));
    expect(unknown.code).toBe(C.JWT_ISSUER_INVALID);
    for (const iss of [A, B]) {
      const hmac = await failure(auth.authenticate(bearer(token(secretA, { iss }))));
      expect(hmac.code).toBe(C.JWT_ALG_NOT_ALLOWED);
    }
    expect(fetched).toEqual([]);
    expect((await auth.authenticate(bearer(await signed(B))))?.subject).toBe('user-1');
    expect(fetched).toEqual(['https://b.example.com/jwks.json']);
  });
});
