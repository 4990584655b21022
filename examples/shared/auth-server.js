import {
  apiKey,
  createAuthenticator,
  generateApiKey,
  hashApiKey,
  isAuthError,
  jwt,
  memoryDenyList,
  memoryLimitStore,
} from '@portcullis/core';
import { createClientRegistry } from './clients.js';
import { revokeEndpoint } from './revoke-endpoint.js';
import { tokenEndpoint } from './token-endpoint.js';
import { createTokenSigner } from './token-signer.js';

export const ISSUER = 'https://auth.example.test/';
export const AUDIENCE = 'https://agent-api.example.test';
export const API_KEY_PREFIX = 'pcs';
/** Access token lifetime in seconds: short, so a leaked token is soon useless. */
export const TOKEN_TTL = 300;
/** Requests per minute an agent may make unless its API key says otherwise. */
export const DEFAULT_REQUESTS_PER_MINUTE = 600;

/**
 * The example's "database" and token signer: the API key records (by hash), the OAuth clients
 * and the ES256 key. One server makes its own; instances of one fleet share one (see fleet.js).
 *
 * @example
 * const store = createStore();
 * const one = createAuthServer({ store, denyList, invalidation });
 */
export function createStore() {
  return { keys: new Map(), clients: createClientRegistry(), signer: createTokenSigner() };
}

/**
 * Everything the three example apps share: an in-memory API key store, the OAuth clients, the
 * token signer, the deny-list, the Portcullis authenticator that accepts both API keys and the
 * tokens this server issues, and the token and revocation endpoints.
 *
 * By default each server has a store of its own and a `memoryDenyList()`. Instances of one fleet
 * pass the `store` they share, a `denyList` (`redisDenyList()`) and an API key `invalidation`
 * channel (`redisInvalidation()`), so a revocation on one is honoured by all.
 *
 * Tokens are for the API (`AUDIENCE`) unless a client asks for one of `resources` (RFC 8707, the
 * MCP server of mcp/server.js); `tokensFor(resource)` verifies those with the same rules.
 *
 * @example
 * const server = createAuthServer();
 * const key = server.addApiKey({ subject: 'support-bot', scopes: ['conversations:read'] });
 * const app = createExpressApp(server);
 */
export function createAuthServer({
  now = Date.now,
  onEvent,
  store = createStore(),
  denyList = memoryDenyList({ now }),
  invalidation,
  limitStore = memoryLimitStore({ now }),
  resources = [],
} = {}) {
  const { keys, clients, signer } = store;
  const stats = { tokensIssued: 0 };

  // The rules of this issuer's access tokens, for the API or another resource it issues them for.
  const tokensFor = (audience) =>
    jwt({
      algorithms: ['ES256'],
      issuer: ISSUER,
      audience,
      jwks: signer.jwks,
      typ: 'at+jwt',
      requiredClaims: ['jti', 'client_id'],
      denyList,
    });
  const tokens = tokensFor(AUDIENCE);
  // Records are cached for 30 s: `invalidate(hash)` drops one at once (on every instance that
  // shares the `invalidation` channel).
  const apiKeys = apiKey({
    prefix: API_KEY_PREFIX,
    lookup: (hash) => keys.get(hash),
    invalidation,
  });
  const authenticator = createAuthenticator({
    realm: 'agent-api',
    now,
    methods: [apiKeys, tokens],
    onEvent,
  });
  // Revocation verifies a token with the same rules, for any of its audiences, but without
  // counting it as an API call.
  const tokenVerifier = createAuthenticator({
    realm: 'agent-api',
    now,
    methods: [resources.length === 0 ? tokens : tokensFor([AUDIENCE, ...resources])],
  });

  async function verifyToken(token) {
    const view = { header: (name) => (name === 'authorization' ? `Bearer ${token}` : undefined) };
    try {
      return (await tokenVerifier.authenticate(view))?.claims ?? null;
    } catch (err) {
      if (isAuthError(err) && err.status < 500) return null;
      throw err;
    }
  }

  const tokenConfig = {
    clients,
    signer,
    issuer: ISSUER,
    audience: AUDIENCE,
    resources,
    ttl: TOKEN_TTL,
    now,
    onIssue: () => {
      stats.tokensIssued += 1;
    },
  };

  return {
    authenticator,
    stats,
    jwks: signer.jwks,
    /** A `jwt()` method for the tokens issued for `resource` (one of `resources`). */
    tokensFor,
    /**
     * The per-agent rate limit every API route applies after authentication: an API key's
     * `metadata.requestsPerMinute`, else `DEFAULT_REQUESTS_PER_MINUTE`, per key or token subject.
     */
    rateLimit: {
      limit: (principal) => principal?.metadata?.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE,
      window: 60,
      store: limitStore,
    },
    /**
     * Make an API key; only its hash is kept. Returns the key, to show its owner once.
     * `requestsPerMinute` sets its own rate limit (kept in the record's `metadata`).
     */
    addApiKey({ subject, scopes, requestsPerMinute }) {
      const { key, hash } = generateApiKey({ prefix: API_KEY_PREFIX });
      const metadata = requestsPerMinute === undefined ? undefined : { requestsPerMinute };
      keys.set(hash, { id: `key_${hash.slice(0, 8)}`, subject, scopes: [...scopes], metadata });
      return key;
    },
    /**
     * Revoke an API key as an admin would: delete its record, then drop it from the key cache,
     * this instance's and (through `invalidation`) every other's. Resolves to whether it existed.
     */
    async revokeApiKey(key) {
      const hash = hashApiKey(key);
      const existed = keys.delete(hash);
      await apiKeys.invalidate(hash);
      return existed;
    },
    /** Register an OAuth client allowed `scopes`; returns its id and secret. */
    addClient: (input) => clients.register(input),
    /** POST /oauth/token: `{ authorization, contentType, body }` → `{ status, headers, body }`. */
    token: (request) => tokenEndpoint(tokenConfig, request),
    /** POST /oauth/revoke: same shapes as `token`. */
    revoke: (request) => revokeEndpoint({ clients, verifyToken, denyList }, request),
  };
}
