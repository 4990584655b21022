// A fast path is an optimisation of the objects core made, never a reason to skip code a user
// wrapped around them: every wrapper below must run exactly as written.
import { describe, expect, it } from 'vitest';
import { authenticateAwaitable } from '../adapter/authenticate-then.js';
import { apiKey } from '../api-key/api-key.js';
import { generateApiKey } from '../api-key/generate.js';
import { createAuthenticator } from '../authenticator.js';
import { AuthErrorCodes } from '../error-codes.js';
import { invalidToken } from '../errors.js';
import { jwt } from '../jwt/jwt.js';
import { fromNodeHeaders } from '../request.js';
import { AUDIENCE, hs256Token, ISSUER, NOW_MS } from '../test-helpers/jwt-fixtures.js';
import type { Authenticator, Method, Principal, VerifyContext } from '../types.js';

const secret = new Uint8Array(32).fill(7);
const issued = generateApiKey({ prefix: 'pcs' });
const record = { id: 'key_1', subject: 'svc', scopes: ['read'] };
const bearer = (value: string) => fromNodeHeaders({ authorization: [`Bearer ${value}`] });
const key = fromNodeHeaders({ 'x-api-key': [issued.key] });

const keyMethod = () =>
  apiKey({ prefix: 'pcs', lookup: (hash) => (hash === issued.hash ? record : null) });
const jwtMethod = () => jwt({ algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, secret });

type Wrap<T extends object> = (base: T, override: Partial<T>) => T;
const WRAPS: Array<[string, Wrap<object>]> = [
  ['spread', (base, override) => ({ ...base, ...override })],
  ['Object.assign', (base, override) => Object.assign({}, base, override)],
  // Defined, not assigned: a frozen method's `verify` is read-only on the prototype.
  [
    'Object.create',
    (base, override) => Object.create(base, Object.getOwnPropertyDescriptors(override)),
  ],
];

async function settle(run: () => unknown): Promise<string> {
  try {
    const value = await run();
    return value === null ? 'null' : `ok ${(value as Principal).subject}`;
  } catch (err) {
    return (err as { code: string }).code;
  }
}

describe.each(WRAPS)('a %s wrapper runs as written', (_name, wrap) => {
  it('of an authenticator, called by the adapters through authenticateAwaitable()', async () => {
    const base = createAuthenticator({ now: () => NOW_MS, methods: [keyMethod(), jwtMethod()] });
    let calls = 0;
    const wrapped = wrap(base, {
      authenticate: async (request, options) => {
        calls++;
        const principal = await base.authenticate(request, options);
        if (principal?.subject === 'svc') {
          throw invalidToken(AuthErrorCodes.API_KEY_INVALID, 'Refused by policy', base.realm);
        }
        return principal;
      },
    } as Partial<Authenticator>) as Authenticator;
    // Warm the caches, so the base object alone would answer at once.
    await base.authenticate(key);
    expect(await settle(() => authenticateAwaitable(wrapped, key))).toBe(
      AuthErrorCodes.API_KEY_INVALID,
    );
    expect(await settle(() => authenticateAwaitable(wrapped, bearer(hs256Token(secret))))).toBe(
      'ok user-1',
    );
    expect(calls).toBe(2);
  });

  it.each([
    ['apiKey()', keyMethod, key],
    ['jwt()', jwtMethod, bearer(hs256Token(secret))],
  ] as const)('of an %s method, called by createAuthenticator()', async (_m, make, view) => {
    const base = make() as Method;
    let calls = 0;
    const verify = async (value: string, ctx: VerifyContext): Promise<Principal> => {
      calls++;
      await base.verify(value, ctx);
      throw invalidToken(AuthErrorCodes.API_KEY_INVALID, 'Refused by policy', ctx.realm);
    };
    const wrapped = wrap(base, { verify } as Partial<Method>) as Method;
    const auth = createAuthenticator({ now: () => NOW_MS, methods: [wrapped] });
    expect(await settle(() => auth.authenticate(view))).toBe(AuthErrorCodes.API_KEY_INVALID);
    expect(await settle(() => authenticateAwaitable(auth, view))).toBe(
      AuthErrorCodes.API_KEY_INVALID,
    );
    expect(calls).toBe(2);
  });
});

describe('the fast path', () => {
  it('still answers at once for the objects core made, and for copies that keep their code', () => {
    const base = createAuthenticator({ now: () => NOW_MS, methods: [jwtMethod()] });
    const token = bearer(hs256Token(secret));
    expect(authenticateAwaitable(base, token)).toMatchObject({ subject: 'user-1' });
    // A copy that overrides nothing runs the same code: the fast path stays.
    expect(authenticateAwaitable({ ...base }, token)).toMatchObject({ subject: 'user-1' });
    const method = jwtMethod();
    const copied = createAuthenticator({ now: () => NOW_MS, methods: [{ ...method }] });
    expect(authenticateAwaitable(copied, token)).toMatchObject({ subject: 'user-1' });
  });

  it('is not kept by an object whose authenticate() was replaced in place', async () => {
    const auth = createAuthenticator({ now: () => NOW_MS, methods: [jwtMethod()] }) as {
      -readonly [K in keyof Authenticator]: Authenticator[K];
    };
    auth.authenticate = async () => null;
    expect(await authenticateAwaitable(auth, bearer(hs256Token(secret)))).toBeNull();
  });
});
