// @portcullis/client: the caller's side of Portcullis. API keys and OAuth 2.0 client credentials
// (with DPoP) as credential providers, and a fetch that carries them. Fetch and Web Crypto only:
// Node, Bun, Deno and Workers alike.
export { type ApiKeyAuth, type ApiKeyAuthOptions, apiKeyAuth } from './api-key.js';
export { authFetch, type Fetch } from './auth-fetch.js';
export {
  type ClientCredentials,
  type ClientCredentialsOptions,
  clientCredentials,
} from './client-credentials.js';
export { isOAuthClientError, OAuthClientError, type OAuthClientErrorCode } from './errors.js';
export { maskSecret } from './mask.js';
export type { ClientPrivateKey } from './private-key.js';
export type { AuthRequest, CredentialProvider } from './provider.js';
