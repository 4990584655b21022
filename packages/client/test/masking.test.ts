// No secret is ever printed: every way a provider can be shown, every error message (and stack,
// and inspected error with its causes), and every line logged while the providers work and fail,
// is searched for the API key, the client secret and the access tokens.
import { format, inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiKeyAuth, authFetch, clientCredentials, maskSecret } from '../src/index.js';
import {
  API,
  challenge,
  fake,
  oauthError,
  refusedPort,
  TOKEN_ENDPOINT,
  tokenResponse,
} from './fakes.js';

const API_KEY = 'pcs_Zq81mXv0Lr2Tb7Wn4Kc9Ph6Sd3Gf5Jy1Aa8Ue';
const CLIENT_SECRET = 'Qm4vR8sT2wX6yZ0aB3cD7eF1gH5jK9nP';
const token = (n: number) => `eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhZ2VudCJ9.sig-of-token-${n}-x9Yb`;
const SECRETS = [API_KEY, CLIENT_SECRET, token(1), token(2), token(3)];

const logged: string[] = [];
beforeEach(() => {
  logged.length = 0;
  for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logged.push(format(...args));
    });
  }
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Every way `value` can be shown. */
function shown(value: unknown): string[] {
  const out = [
    inspect(value),
    inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    inspect(value, { customInspect: false, showHidden: true, depth: Number.POSITIVE_INFINITY }),
    String(value),
    `${value}`,
    JSON.stringify(value) ?? '',
    format('%s %o %O %j', value, value, value, value),
  ];
  if (value instanceof Error) {
    out.push(value.message, value.stack ?? '');
    let cause = value.cause;
    while (cause !== undefined && cause !== null) {
      out.push(...shown(cause));
      cause = (cause as { cause?: unknown }).cause;
    }
  }
  return out;
}

function expectNoSecret(texts: string[]) {
  const all = [...texts, ...logged].join('\n');
  for (const secret of SECRETS) expect(all).not.toContain(secret);
}

describe('masking', () => {
  it('maskSecret shows pcs_abcd…wxyz, or … alone for a short secret', () => {
    expect(maskSecret(API_KEY, { prefix: true })).toBe('pcs_Zq81…a8Ue');
    expect(maskSecret(CLIENT_SECRET)).toBe('Qm4v…K9nP');
    expect(maskSecret('short-secret')).toBe('…');
    expect(maskSecret('pcs_short', { prefix: true })).toBe('pcs_…');
    // Without { prefix }, nothing before an underscore is taken for a public prefix.
    expect(maskSecret('abc_Qm4vR8sT2wX6yZ0aB3cD7eF1')).toBe('abc_…7eF1');
  });

  it('an API key provider shows its key masked, however it is printed', () => {
    const provider = apiKeyAuth(API_KEY);
    console.log(provider);
    console.log('provider: %s', provider);
    const texts = shown(provider);
    expectNoSecret(texts);
    expect(String(provider)).toBe('ApiKeyAuth {"header":"authorization","key":"pcs_Zq81…a8Ue"}');
    expect(JSON.parse(JSON.stringify(provider))).toEqual({
      type: 'ApiKeyAuth',
      header: 'authorization',
      key: 'pcs_Zq81…a8Ue',
    });
    expect(inspect(provider)).toContain('pcs_Zq81…a8Ue');
    expect(logged.join('\n')).toContain('pcs_Zq81…a8Ue');
  });

  it('a client-credentials provider shows its secret and token masked, before and after a token', async () => {
    const { fetch } = fake({ token: (n) => tokenResponse(token(n)) });
    const provider = clientCredentials({
      tokenEndpoint: TOKEN_ENDPOINT,
      clientId: 'billing-agent',
      clientSecret: CLIENT_SECRET,
      scope: 'billing:read',
      fetch,
    });
    const before = shown(provider);
    await authFetch(provider, fetch)(`${API}/x`);
    console.log(provider);
    console.info('%o', provider);
    const after = shown(provider);
    expectNoSecret([...before, ...after]);
    expect(JSON.parse(JSON.stringify(provider))).toMatchObject({
      type: 'ClientCredentials',
      clientId: 'billing-agent',
      tokenEndpoint: TOKEN_ENDPOINT,
      auth: 'client_secret_basic',
      clientSecret: 'Qm4v…K9nP',
      scope: 'billing:read',
      dpop: false,
      token: { value: 'eyJh…x9Yb' },
    });
  });

  it('no error message, stack or inspected error holds a secret', async () => {
    const errors: unknown[] = [];
    const collect = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e) => errors.push(e),
      );
    const port = await refusedPort();
    const make = (fetch: (i: string, init: RequestInit) => Promise<Response>, extra = {}) =>
      clientCredentials({
        tokenEndpoint: TOKEN_ENDPOINT,
        clientId: 'billing-agent',
        clientSecret: CLIENT_SECRET,
        fetch,
        ...extra,
      });

    // The server echoes the secret and a token in its description.
    for (const status of [400, 401]) {
      const { fetch } = fake({
        token: () =>
          oauthError(status, 'invalid_client', `secret ${CLIENT_SECRET} token ${token(1)}`),
      });
      await collect(make(fetch).getHeaders());
    }
    // A token in a malformed answer.
    const malformed = fake({
      token: () => Response.json({ access_token: token(2), token_type: 'mac' }),
    });
    await collect(make(malformed.fetch).getHeaders());
    // A refresh refused after a token was issued, with that token in the description.
    const refused = fake({
      token: (n) =>
        n === 1
          ? tokenResponse(token(3))
          : oauthError(400, 'invalid_grant', `no more for ${token(3)}`),
    });
    const p = make(refused.fetch);
    await p.getHeaders();
    p.invalidate();
    await collect(p.getHeaders());
    // Down, slow, 5xx, challenged.
    await collect(
      clientCredentials({
        tokenEndpoint: `http://127.0.0.1:${port}/token`,
        clientId: 'billing-agent',
        clientSecret: CLIENT_SECRET,
      }).getHeaders(),
    );
    await collect(make(() => new Promise(() => {}), { timeout: 50 }).getHeaders());
    await collect(make(async () => new Response('', { status: 500 }), { retries: 0 }).getHeaders());
    await collect(make(async () => challenge('Basic realm="x"')).getHeaders());
    // Configuration mistakes, secret in hand.
    for (const options of [
      { tokenEndpoint: 'http://auth.example.test/token', clientSecret: CLIENT_SECRET },
      { tokenEndpoint: TOKEN_ENDPOINT, clientSecret: CLIENT_SECRET, privateKey: {} },
      { tokenEndpoint: TOKEN_ENDPOINT, clientSecret: CLIENT_SECRET, scope: `"${CLIENT_SECRET}` },
      { tokenEndpoint: `https://x:${CLIENT_SECRET}@auth.test/`, clientSecret: CLIENT_SECRET },
    ]) {
      try {
        clientCredentials({ clientId: 'c', ...options } as never);
      } catch (err) {
        errors.push(err);
      }
    }
    for (const key of [`${API_KEY} x`, `${API_KEY}\u0001`]) {
      try {
        apiKeyAuth(key);
      } catch (err) {
        errors.push(err);
      }
    }

    expect(errors).toHaveLength(14);
    for (const err of errors) console.error(err);
    expectNoSecret(errors.flatMap(shown));
    expect(logged).toHaveLength(14);
    expect((errors[0] as Error).message).toBe(
      'token request failed: 400 invalid_client (secret Qm4v…K9nP token eyJh…x9Yb)',
    );
  });
});
