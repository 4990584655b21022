import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAuthenticator } from './authenticator.js';
import { AuthErrorCodes } from './error-codes.js';
import { invalidToken } from './errors.js';
import type { RequestView } from './request.js';
import { failure as rejection } from './test-helpers/failure.js';
import { fakeMethod } from './test-helpers/fake-method.js';
import type { AuthEvent, Method } from './types.js';

const view = (headers: Record<string, string | string[]>): RequestView => ({
  header: (name) => headers[name],
});
const NOW = 1_800_000_000_000;

function setup(methods: Method[] = [fakeMethod({ headers: ['x-api-key'] })]) {
  const events: AuthEvent[] = [];
  const auth = createAuthenticator({
    methods,
    realm: 'test',
    now: () => NOW,
    onEvent: (e) => events.push(e),
  });
  return { auth, events };
}

describe('createAuthenticator', () => {
  it('verifies a bearer credential and reports the success', async () => {
    const { auth, events } = setup();
    const principal = await auth.authenticate(view({ authorization: 'Bearer good-alice' }));
    expect(principal).toMatchObject({ subject: 'alice', method: 'api_key' });
    expect(events).toEqual([
      {
        outcome: 'success',
        method: 'api_key',
        subject: 'alice',
        keyId: 'k1',
        code: 'OK',
        status: 200,
        time: NOW,
      },
    ]);
  });

  it("names a JWT's client in its success event", async () => {
    const method = fakeMethod({
      type: 'jwt',
      verify: async () => ({ method: 'jwt', subject: 'u', scopes: [], client: 'app-7' }),
    });
    const { auth, events } = setup([method]);
    await auth.authenticate(view({ authorization: 'Bearer good-u' }));
    expect(events).toEqual([
      {
        outcome: 'success',
        method: 'jwt',
        subject: 'u',
        client: 'app-7',
        code: 'OK',
        status: 200,
        time: NOW,
      },
    ]);
  });

  it('answers a request without credentials with 401 and a bare challenge', async () => {
    const { auth, events } = setup();
    const err = await rejection(auth.authenticate(view({})));
    expect(err.status).toBe(401);
    expect(err.headers['www-authenticate']).toBe('Bearer realm="test"');
    expect(events[0]).toMatchObject({
      outcome: 'failure',
      code: 'ERR_NO_CREDENTIALS',
      status: 401,
    });
  });

  it('lets an optional request without credentials through as anonymous', async () => {
    const { auth, events } = setup();
    expect(await auth.authenticate(view({}), { optional: true })).toBeNull();
    expect(events[0]).toMatchObject({ outcome: 'anonymous', status: 200 });
  });

  it('still refuses a bad credential on an optional request', async () => {
    const { auth } = setup();
    const err = await rejection(
      auth.authenticate(view({ authorization: 'Bearer bad-x' }), { optional: true }),
    );
    expect(err.status).toBe(401);
    expect(err.headers['www-authenticate']).toContain('realm="test", error="invalid_token"');
  });

  it('reports the failure reason and key id to onEvent, not to the client', async () => {
    const { auth, events } = setup();
    const err = await rejection(auth.authenticate(view({ 'x-api-key': 'bad-x' })));
    expect(err.message).not.toContain('unknown_key');
    expect(events[0]).toMatchObject({
      outcome: 'failure',
      method: 'api_key',
      reason: 'unknown_key',
      keyId: 'k1',
      code: 'ERR_API_KEY_INVALID',
    });
  });

  it('answers 401 for a bearer value no method recognises', async () => {
    const { auth } = setup();
    const err = await rejection(auth.authenticate(view({ authorization: 'Bearer mystery' })));
    expect(err.status).toBe(401);
    expect(err.code).toBe('ERR_UNSUPPORTED_CREDENTIAL');
  });

  it('routes a header credential to the method that owns the header, whatever its form', async () => {
    const verified: string[] = [];
    const method = fakeMethod({
      headers: ['x-api-key'],
      verify: async (value) => {
        verified.push(value);
        return { method: 'api_key', subject: 's', scopes: [] };
      },
    });
    const { auth } = setup([fakeMethod({ type: 'jwt' }), method]);
    await auth.authenticate(view({ 'x-api-key': 'mystery' }));
    expect(verified).toEqual(['mystery']);
  });

  it('routes to the first method that claims the value', async () => {
    const keys = fakeMethod({ prefix: 'key', type: 'api_key' });
    const tokens = fakeMethod({ prefix: 'tok', type: 'jwt' });
    const { auth } = setup([keys, tokens]);
    expect((await auth.authenticate(view({ authorization: 'Bearer tok-a' })))?.method).toBe('jwt');
    expect((await auth.authenticate(view({ authorization: 'Bearer key-a' })))?.method).toBe(
      'api_key',
    );
  });

  it('refuses a bearer token outside the b64token grammar with 400, whichever method claims it', async () => {
    const verified: string[] = [];
    const lenient = fakeMethod({
      verify: async (value) => {
        verified.push(value);
        return { method: 'api_key', subject: 's', scopes: [] };
      },
    });
    // Token-safe, as it must be: it accepts only letters, digits and "-".
    const strict = {
      ...fakeMethod({
        prefix: 'tok',
        verify: async (value, ctx) => {
          if (/^[A-Za-z0-9-]+$/.test(value))
            return { method: 'jwt', subject: value.slice(4), scopes: [] };
          throw invalidToken(AuthErrorCodes.JWT_MALFORMED, 'Bad token', ctx.realm);
        },
      }),
      tokenSafe: true,
    };
    const { auth, events } = setup([strict, lenient]);
    for (const authorization of [
      'Bearer good-a"b',
      'Bearer tok-a"b',
      'Bearer x y',
      'Bearer tok-\u00e9',
    ]) {
      const err = await rejection(auth.authenticate(view({ authorization })));
      expect({ status: err.status, code: err.code }, authorization).toEqual({
        status: 400,
        code: 'ERR_MALFORMED_REQUEST',
      });
    }
    // A method that may accept anything never sees a malformed token; a token-safe one may, but
    // its refusal becomes the same 400.
    expect(verified).toEqual([]);
    expect(events.every((e) => e.status === 400 && e.method === undefined)).toBe(true);
    expect(await auth.authenticate(view({ authorization: 'Bearer tok-fine' }))).toMatchObject({
      subject: 'fine',
    });
  });

  it('turns a verifier that throws a plain error into a 500 without detail', async () => {
    const method = fakeMethod({
      verify: async () => {
        throw new Error('secret-ish internals');
      },
    });
    const { auth, events } = setup([method]);
    const err = await rejection(auth.authenticate(view({ authorization: 'Bearer good-a' })));
    expect(err.status).toBe(500);
    expect(err.code).toBe('ERR_INTERNAL');
    expect(err.message).not.toContain('internals');
    expect(JSON.stringify(events)).not.toContain('internals');
  });

  it('ignores an onEvent hook that throws', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const auth = createAuthenticator({
      methods: [fakeMethod()],
      onEvent: () => {
        throw new Error('audit down');
      },
    });
    expect(await auth.authenticate(view({ authorization: 'Bearer good-a' }))).toMatchObject({
      subject: 'a',
    });
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
  });

  it('passes the clock and realm to verifiers, defaulting the realm to "api"', async () => {
    let seen: unknown;
    const method = fakeMethod({
      verify: async (_value, ctx) => {
        seen = { now: ctx.now(), realm: ctx.realm };
        return { method: 'api_key', subject: 's', scopes: [] };
      },
    });
    const auth = createAuthenticator({ methods: [method], now: () => 42 });
    expect(auth.realm).toBe('api');
    await auth.authenticate(view({ authorization: 'Bearer good-a' }));
    expect(seen).toEqual({ now: 42, realm: 'api' });
  });

  it('refuses configuration mistakes with TypeError', () => {
    const ok = fakeMethod();
    const bad: unknown[] = [
      undefined,
      {},
      { methods: [] },
      { methods: [{}] },
      { methods: [ok], realm: '' },
      { methods: [ok], realm: 'a\nb' },
      { methods: [ok], onEvent: 'log' },
      { methods: [ok], now: 5 },
    ];
    for (const options of bad) {
      expect(() => createAuthenticator(options as never), JSON.stringify(options)).toThrow(
        TypeError,
      );
    }
  });
});

describe('a failing onEvent hook', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
    unhandled.length = 0;
    vi.restoreAllMocks();
  });
  // Two macrotask turns: enough for a rejection to be reported as unhandled.
  const turn = () => new Promise((resolve) => setTimeout(resolve, 5));

  async function answers(auth: ReturnType<typeof createAuthenticator>) {
    const seen: string[] = [];
    const requests: Record<string, string>[] = [
      { authorization: 'Bearer good-alice' },
      { authorization: 'Bearer bad-x' },
      {},
    ];
    for (const headers of requests) {
      try {
        seen.push((await auth.authenticate(view(headers)))?.subject ?? 'null');
      } catch (err) {
        seen.push((err as { code: string }).code);
      }
    }
    seen.push(String(await auth.authenticate(view({}), { optional: true })));
    return seen;
  }
  const EXPECTED = ['alice', 'ERR_API_KEY_INVALID', 'ERR_NO_CREDENTIALS', 'null'];

  it('that rejects changes no answer, leaves no unhandled rejection, and warns once', async () => {
    process.on('unhandledRejection', onUnhandled);
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const auth = createAuthenticator({
      methods: [fakeMethod()],
      onEvent: async (event) => {
        throw new RangeError(`sink down for ${event.subject ?? 'nobody'} good-alice`);
      },
    });
    expect(await answers(auth)).toEqual(EXPECTED);
    expect(await answers(auth)).toEqual(EXPECTED);
    await turn();
    expect(unhandled).toEqual([]);
    expect(warn).toHaveBeenCalledTimes(1);
    const [message, options] = warn.mock.calls[0] as [string, { type: string; code: string }];
    expect(message).toMatch(/onEvent.*rejected.*RangeError/);
    // The hook's message may quote the event: only the error's name is reported.
    expect(message).not.toMatch(/alice|sink down/);
    expect(options).toMatchObject({
      type: 'PortcullisWarning',
      code: 'PORTCULLIS_ON_EVENT_FAILED',
    });
  });

  it('that throws changes no answer and warns once per authenticator', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const make = () =>
      createAuthenticator({
        methods: [fakeMethod()],
        onEvent: () => {
          throw new Error('audit down');
        },
      });
    const one = make();
    expect(await answers(one)).toEqual(EXPECTED);
    expect(await answers(one)).toEqual(EXPECTED);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/onEvent.*threw.*\bError\b/);
    expect(await answers(make())).toEqual(EXPECTED);
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('whose thenable breaks, or that throws a non-error, is handled the same way', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const thenable = createAuthenticator({
      methods: [fakeMethod()],
      onEvent: () =>
        ({
          // biome-ignore lint/suspicious/noThenProperty: a broken thenable on purpose
          then: () => {
            throw new Error('no');
          },
        }) as never,
    });
    expect(await answers(thenable)).toEqual(EXPECTED);
    const thrown = createAuthenticator({
      methods: [fakeMethod()],
      onEvent: () => Promise.reject('good-alice is a secret string'),
    });
    expect(await answers(thrown)).toEqual(EXPECTED);
    await turn();
    expect(warn).toHaveBeenCalledTimes(2);
    expect(String(warn.mock.calls[1]![0])).not.toContain('alice');
  });

  it('warns on the console where there is no process.emitWarning', async () => {
    const console_ = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const original = process.emitWarning;
    (process as { emitWarning?: unknown }).emitWarning = undefined;
    try {
      const auth = createAuthenticator({
        methods: [fakeMethod()],
        onEvent: () => {
          throw new TypeError('x');
        },
      });
      expect(await answers(auth)).toEqual(EXPECTED);
    } finally {
      process.emitWarning = original;
    }
    expect(console_).toHaveBeenCalledTimes(1);
    expect(console_.mock.calls[0]![0]).toMatch(/onEvent.*threw.*TypeError/);
  });
});
