import {
  apiKey,
  createAuthenticator,
  generateApiKey,
  isAuthError,
  jwt,
  memoryDenyList,
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

/**
 * Everything the three example apps share: an in-memory API key store, the OAuth clients, the
 * token signer, the deny-list, the Portcullis authenticator that accepts both API keys and the
 * tokens this server issues, and the token and revocation endpoints.
 *
 * @example
 * const server = createAuthServer();
 * const key = server.addApiKey({ subject: 'support-bot', scopes: ['conversations:read'] });
 * const app = createExpressApp(server);
 */
export function createAuthServer({ now = Date.now, onEvent } = {}) {
  const keys = new Map();
  const clients = createClientRegistry();
  const signer = createTokenSigner();
  const denyList = memoryDenyList({ now });
  const stats = { tokensIssued: 0 };

  const tokens = jwt({
    algorithms: ['ES256'],
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks: signer.jwks,
    typ: 'at+jwt',
    requiredClaims: ['jti', 'client_id'],
    denyList,
  });
  const authenticator = createAuthenticator({
    realm: 'agent-api',
    now,
    methods: [apiKey({ prefix: API_KEY_PREFIX, lookup: (hash) => keys.get(hash) }), tokens],
    onEvent,
  });
  // Revocation verifies a token with the same rules, but without counting it as an API call.
  const tokenVerifier = createAuthenticator({ realm: 'agent-api', now, methods: [tokens] });

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
    /** Make an API key; only its hash is kept. Returns the key, to show its owner once. */
    addApiKey({ subject, scopes }) {
      const { key, hash } = generateApiKey({ prefix: API_KEY_PREFIX });
      keys.set(hash, { id: `key_${keys.size + 1}`, subject, scopes: [...scopes] });
      return key;
    },
    /** Register an OAuth client allowed `scopes`; returns its id and secret. */
    addClient: (input) => clients.register(input),
    /** POST /oauth/token: `{ authorization, contentType, body }` → `{ status, headers, body }`. */
    token: (request) => tokenEndpoint(tokenConfig, request),
    /** POST /oauth/revoke: same shapes as `token`. */
    revoke: (request) => revokeEndpoint({ clients, verifyToken, denyList }, request),
  };
}
