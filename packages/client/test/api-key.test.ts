import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiKeyAuth } from '../src/index.js';

const KEY = 'pcs_3kTq9ZbX1mW7cR5vN2hJ8sLd4Fg6Yp0aEe';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
});

describe('apiKeyAuth', () => {
  it('sends the key as Authorization: Bearer by default, or as x-api-key', async () => {
    expect(await apiKeyAuth(KEY).getHeaders()).toEqual({ authorization: `Bearer ${KEY}` });
    const x = apiKeyAuth(KEY, { header: 'x-api-key' });
    expect(x.header).toBe('x-api-key');
    expect(await x.getHeaders({ method: 'GET', url: 'https://api.test' })).toEqual({
      'x-api-key': KEY,
    });
  });

  it('reads PORTCULLIS_API_KEY, or the variable named by `env`, when given no key', async () => {
    vi.stubEnv('PORTCULLIS_API_KEY', KEY);
    vi.stubEnv('BILLING_KEY', `${KEY}b`);
    expect(await apiKeyAuth().getHeaders()).toEqual({ authorization: `Bearer ${KEY}` });
    expect(await apiKeyAuth(undefined, { env: 'BILLING_KEY' }).getHeaders()).toEqual({
      authorization: `Bearer ${KEY}b`,
    });
    expect(await apiKeyAuth('  ').getHeaders()).toEqual({ authorization: `Bearer ${KEY}` });
  });

  it('drops surrounding whitespace (a newline from a file)', async () => {
    expect(await apiKeyAuth(`${KEY}\n`).getHeaders()).toEqual({ authorization: `Bearer ${KEY}` });
  });

  it('with no key and no variable: a TypeError naming both ways to give one', () => {
    vi.stubEnv('PORTCULLIS_API_KEY', undefined);
    expect(() => apiKeyAuth()).toThrow(
      new TypeError(
        'apiKeyAuth(): no API key: pass one, apiKeyAuth(key), or set the PORTCULLIS_API_KEY environment variable',
      ),
    );
    expect(() => apiKeyAuth(undefined, { env: 'MY_KEY' })).toThrow(/set the MY_KEY environment/);
  });

  it('reads process.env only where there is a process (Workers, browsers)', () => {
    vi.stubEnv('PORTCULLIS_API_KEY', KEY);
    vi.stubGlobal('process', undefined);
    expect(() => apiKeyAuth()).toThrow(/no API key/);
  });

  it('an environment that throws on access (Deno without --allow-env) counts as unset', () => {
    vi.stubGlobal('process', {
      get env() {
        throw new Error('PermissionDenied');
      },
    });
    expect(() => apiKeyAuth()).toThrow(/no API key/);
  });

  it('refuses a key a header cannot carry, without showing it', () => {
    for (const bad of ['pcs_a b', 'pcs_\u0000x', 'pcs_é']) {
      expect(() => apiKeyAuth(bad)).toThrow(/characters a header cannot carry/);
      try {
        apiKeyAuth(bad);
      } catch (err) {
        expect((err as Error).message).not.toContain(bad);
      }
    }
  });

  it('refuses bad options', () => {
    expect(() => apiKeyAuth(KEY, { header: 'cookie' as never })).toThrow(/header/);
    expect(() => apiKeyAuth(KEY, { env: '' })).toThrow(/env/);
    expect(() => apiKeyAuth(KEY, { prefix: 'pcs' } as never)).toThrow(/unknown option `prefix`/);
    expect(() => apiKeyAuth(KEY, null as never)).toThrow(/options must be an object/);
    expect(() => apiKeyAuth(42 as never)).toThrow(/must be a string/);
  });

  it('has no invalidate(): an API key cannot be renewed, so authFetch never retries it', () => {
    expect('invalidate' in apiKeyAuth(KEY)).toBe(false);
  });
});
