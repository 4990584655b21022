/**
 * An agent calling the example API with an OAuth 2.0 client-credentials token.
 *
 * - gets a token on first use and caches it;
 * - refreshes it shortly before it expires (a tenth of its lifetime, at most 30 s, early);
 * - however many calls wait for a token, only one token request is in flight;
 * - on a 401 it drops the token it used, gets a new one and retries the call once.
 *
 * Run it against a running demo: `node examples/agent.js <base-url> <client-id> <client-secret>`.
 */
import { pathToFileURL } from 'node:url';

/**
 * Make an agent for `baseUrl` with the client's credentials.
 *
 * @example
 * const agent = createAgent({ baseUrl, clientId, clientSecret, scope: 'billing:read' });
 * const res = await agent.fetch('/billing/invoices');
 */
export function createAgent({
  baseUrl,
  clientId,
  clientSecret,
  scope,
  now = Date.now,
  fetch = globalThis.fetch,
}) {
  let cached; // { token, refreshAt }
  let pending; // the one token request in flight
  const stats = { tokenRequests: 0, retries: 0 };

  async function requestToken() {
    stats.tokenRequests += 1;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scope) form.set('scope', scope);
    const basic = Buffer.from(
      `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`,
    ).toString('base64');
    const res = await fetch(new URL('/oauth/token', baseUrl), {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: form,
    });
    const body = await res.json().catch(() => ({}));
    if (!res.ok || typeof body.access_token !== 'string') {
      // The error word only: never the secret, never the response's token.
      throw new Error(`token request failed: ${res.status} ${body.error ?? 'unknown_error'}`);
    }
    const lifetime = Number(body.expires_in) > 0 ? Number(body.expires_in) * 1000 : 60_000;
    const early = Math.min(30_000, lifetime / 10);
    return { token: body.access_token, refreshAt: now() + lifetime - early };
  }

  /** The current token, fetching (once, however many callers wait) when none is fresh. */
  async function token() {
    if (cached && now() < cached.refreshAt) return cached.token;
    pending ??= requestToken()
      .then((fresh) => {
        cached = fresh;
        return fresh.token;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  }

  async function call(path, init = {}) {
    const send = (bearer) =>
      fetch(new URL(path, baseUrl), {
        ...init,
        headers: { ...init.headers, authorization: `Bearer ${bearer}` },
      });
    const used = await token();
    const res = await send(used);
    if (res.status !== 401) return res;
    // The token was refused (revoked, keys rotated): forget it unless another call already did.
    if (cached?.token === used) cached = undefined;
    stats.retries += 1;
    await res.body?.cancel();
    return send(await token());
  }

  return { fetch: call, token, stats };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [baseUrl, clientId, clientSecret] = process.argv.slice(2);
  if (!baseUrl || !clientId || !clientSecret) {
    console.error('usage: node examples/agent.js <base-url> <client-id> <client-secret>');
    process.exit(2);
  }
  const agent = createAgent({ baseUrl, clientId, clientSecret });
  const res = await agent.fetch('/billing/invoices');
  console.log(res.status, JSON.stringify(await res.json()));
  console.log(`token requests: ${agent.stats.tokenRequests}`);
}
