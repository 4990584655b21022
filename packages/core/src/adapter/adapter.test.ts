import { describe, expect, it } from 'vitest';
import { apiKey } from '../api-key/api-key.js';
import { generateApiKey } from '../api-key/generate.js';
import { createAuthenticator } from '../authenticator.js';
import { AuthErrorCodes } from '../error-codes.js';
import { jwt } from '../jwt/jwt.js';
import { fromNodeHeaders } from '../request.js';
import { fakeMethod } from '../test-helpers/fake-method.js';
import { AUDIENCE, hs256Token, ISSUER, NOW_MS } from '../test-helpers/jwt-fixtures.js';
import type { Authenticator, Principal } from '../types.js';
import { authenticateAwaitable, authenticateThen } from './authenticate-then.js';
import { adapterOptions } from './options.js';
import { recallAuth, rememberAuth } from './request-auth.js';

const authenticator = createAuthenticator({ methods: [fakeMethod()] });

describe('adapterOptions', () => {
  it('settles the defaults', () => {
    expect(adapterOptions(authenticator, {}, 'respond')).toEqual({
      optional: false,
      errors: 'respond',
    });
    expect(adapterOptions(authenticator, { optional: true, errors: 'throw' }, 'respond')).toEqual({
      optional: true,
      errors: 'throw',
    });
  });

  it('refuses mistakes with TypeError at construction', () => {
    expect(() => adapterOptions({} as never, {}, 'respond')).toThrow(/createAuthenticator/);
    expect(() => adapterOptions(undefined as never, {}, 'respond')).toThrow(TypeError);
    expect(() => adapterOptions(authenticator, null as never, 'respond')).toThrow(TypeError);
    expect(() => adapterOptions(authenticator, { errors: 'next' as never }, 'respond')).toThrow(
      /'respond' or 'throw'/,
    );
    expect(() => adapterOptions(authenticator, { optional: 'yes' as never }, 'respond')).toThrow(
      /optional/,
    );
  });
});

describe('rememberAuth / recallAuth', () => {
  it('returns what was recorded for that request only', () => {
    const request = {};
    const auth = { principal: null, realm: 'api', errors: 'respond' as const };
    rememberAuth(request, auth);
    expect(recallAuth(request)).toBe(auth);
    expect(recallAuth({})).toBeUndefined();
  });
});

describe('authenticateAwaitable', () => {
  const secret = new Uint8Array(32).fill(5);
  const issued = generateApiKey({ prefix: 'pcs' });
  const record = { id: 'key_1', subject: 'svc', scopes: ['read'] };
  const make = (lookup: (hash: string) => unknown, extra: Record<string, unknown> = {}) =>
    createAuthenticator({
      now: () => NOW_MS,
      methods: [
        apiKey({ prefix: 'pcs', lookup: lookup as never }),
        jwt({ algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, secret, ...extra }),
      ],
    });
  const bearer = (value: string) => fromNodeHeaders({ authorization: [`Bearer ${value}`] });
  const key = (value: string) => fromNodeHeaders({ 'x-api-key': [value] });

  it('answers at once when nothing has to be waited for', async () => {
    const auth = make((hash) => (hash === issued.hash ? record : null));
    const principal = authenticateAwaitable(auth, bearer(hs256Token(secret))) as Principal;
    expect(principal).not.toBeInstanceOf(Promise);
    expect(principal).toMatchObject({ method: 'jwt', subject: 'user-1' });
    expect(authenticateAwaitable(auth, key(issued.key))).toMatchObject({ keyId: 'key_1' });
    expect(authenticateAwaitable(auth, fromNodeHeaders({}), { optional: true })).toBeNull();
  });

  it('throws the AuthError at once for a refusal known without waiting', () => {
    const auth = make(() => null);
    expect(() => authenticateAwaitable(auth, fromNodeHeaders({}))).toThrow(
      expect.objectContaining({ code: AuthErrorCodes.NO_CREDENTIALS }),
    );
    expect(() => authenticateAwaitable(auth, bearer('a.b'))).toThrow(
      expect.objectContaining({ code: AuthErrorCodes.JWT_MALFORMED }),
    );
    expect(() => authenticateAwaitable(auth, bearer(hs256Token(secret, { exp: 1 })))).toThrow(
      expect.objectContaining({ code: AuthErrorCodes.JWT_EXPIRED }),
    );
  });

  it('gives a promise while a lookup or a revocation check runs, then caches', async () => {
    const auth = make(async (hash) => (hash === issued.hash ? record : null), {
      isRevoked: async () => false,
    });
    const looked = authenticateAwaitable(auth, key(issued.key));
    expect(looked).toBeInstanceOf(Promise);
    expect(await looked).toMatchObject({ keyId: 'key_1' });
    expect(authenticateAwaitable(auth, key(issued.key))).toMatchObject({ keyId: 'key_1' });
    const checked = authenticateAwaitable(auth, bearer(hs256Token(secret)));
    expect(checked).toBeInstanceOf(Promise);
    expect(await checked).toMatchObject({ subject: 'user-1' });
    const unknown = authenticateAwaitable(auth, key(generateApiKey({ prefix: 'pcs' }).key));
    await expect(unknown).rejects.toMatchObject({ code: AuthErrorCodes.API_KEY_INVALID });
  });

  it('agrees with authenticate() on every answer', async () => {
    const auth = make((hash) => (hash === issued.hash ? record : null));
    const settle = async (run: () => unknown) => {
      try {
        const value = await run();
        return value === null ? 'null' : (value as Principal).subject;
      } catch (err) {
        return (err as { code: string }).code;
      }
    };
    for (const view of [
      bearer(hs256Token(secret)),
      bearer(hs256Token(secret, { aud: 'other' })),
      bearer('not a token'),
      key(issued.key),
      key('pcs_nope'),
      fromNodeHeaders({ authorization: ['Basic abc'] }),
      fromNodeHeaders({ authorization: ['Bearer a', 'Bearer b'] }),
      fromNodeHeaders({}),
    ]) {
      expect(await settle(() => authenticateAwaitable(auth, view))).toBe(
        await settle(() => auth.authenticate(view)),
      );
    }
  });

  it('calls an authenticator not made by createAuthenticator() and wraps its answer', async () => {
    const principal = { method: 'jwt', subject: 'fake', scopes: [] } as Principal;
    const fake: Authenticator = {
      realm: 'api',
      authenticate: () =>
        // biome-ignore lint/suspicious/noThenProperty: a thenable on purpose, not a native promise
        ({ then: (resolve: (p: Principal) => void) => resolve(principal) }) as never,
    };
    const result = authenticateAwaitable(fake, fromNodeHeaders({}));
    expect(result).toBeInstanceOf(Promise);
    expect(await result).toBe(principal);
  });
});

describe('authenticateThen', () => {
  const secret = new Uint8Array(32).fill(6);
  const auth = createAuthenticator({
    now: () => NOW_MS,
    methods: [jwt({ algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, secret })],
  });
  const slow = createAuthenticator({
    now: () => NOW_MS,
    methods: [
      jwt({
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        secret,
        isRevoked: async () => false,
      }),
    ],
  });
  const bearer = (value: string) => fromNodeHeaders({ authorization: [`Bearer ${value}`] });
  const run = (a: Authenticator, view: ReturnType<typeof bearer>, optional = false) =>
    authenticateThen(
      a,
      view,
      { optional },
      (principal) => `accepted ${principal?.subject ?? 'nobody'}`,
      (err) => `refused ${(err as { code: string }).code}`,
    );

  it('hands an answer known at once to accept or refuse, and returns what they return', () => {
    expect(run(auth, bearer(hs256Token(secret)))).toBe('accepted user-1');
    expect(run(auth, bearer('a.b'))).toBe(`refused ${AuthErrorCodes.JWT_MALFORMED}`);
    expect(run(auth, fromNodeHeaders({}), true)).toBe('accepted nobody');
    expect(run(auth, fromNodeHeaders({}))).toBe(`refused ${AuthErrorCodes.NO_CREDENTIALS}`);
  });

  it('returns a promise of what they return when authentication waits', async () => {
    const accepted = run(slow, bearer(hs256Token(secret)));
    expect(accepted).toBeInstanceOf(Promise);
    expect(await accepted).toBe('accepted user-1');
    const refused = run(slow, bearer(hs256Token(secret, { aud: 'other' })));
    expect(await refused).toBe(`refused ${AuthErrorCodes.JWT_AUDIENCE_INVALID}`);
  });
});
