/**
 * An agent calling the example API with an OAuth 2.0 client-credentials token, through
 * `@portcullis/client`:
 *
 * - `clientCredentials()` gets a token on first use and caches it; however many calls wait for a
 *   token, only one token request is in flight; it refreshes the token 30 s before it expires;
 * - `authFetch()` sends it with each call and, on a 401 `invalid_token` (revoked, keys rotated),
 *   drops it, gets a new one and retries the call once.
 *
 * Run it against a running demo: `node examples/agent.js <base-url> <client-id> <client-secret>`.
 */

import { pathToFileURL } from 'node:url';
import { authFetch, clientCredentials } from '@portcullis/client';

/**
 * Make an agent for `baseUrl` with the client's credentials. `stats` counts its token requests
 * and its retries after a refused token.
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
  const stats = { tokenRequests: 0, retries: 0 };
  const provider = clientCredentials({
    tokenEndpoint: new URL('/oauth/token', baseUrl),
    clientId,
    clientSecret,
    scope,
    refreshSkew: 30,
    now,
    fetch: (url, init) => {
      stats.tokenRequests += 1;
      return fetch(url, init);
    },
  });
  // authFetch() calls invalidate() once for a refused token, then retries the call once.
  const counted = {
    getHeaders: (request) => provider.getHeaders(request),
    invalidate: (refused) => {
      stats.retries += 1;
      provider.invalidate(refused);
    },
  };
  const call = authFetch(counted, fetch);

  return {
    fetch: (path, init) => call(new URL(path, baseUrl).href, init),
    /** The current access token (fetched if need be). */
    token: () => provider.getAccessToken(),
    stats,
  };
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
