export type { AdapterOptions, ErrorsMode, RequestAuth } from './adapter.js';
export {
  adapterOptions,
  authenticateNow,
  authenticateThen,
  recallAuth,
  rememberAuth,
} from './adapter.js';
export type {
  ApiKeyCacheOptions,
  ApiKeyMethod,
  ApiKeyOptions,
  LookupResult,
} from './api-key/api-key.js';
export { apiKey } from './api-key/api-key.js';
export type { ParsedApiKey } from './api-key/format.js';
export { isWellFormedApiKey, parseApiKey } from './api-key/format.js';
export { generateApiKey, hashApiKey } from './api-key/generate.js';
export type { AuthenticatorOptions } from './authenticator.js';
export { createAuthenticator } from './authenticator.js';
export type { ChallengeParts } from './challenge.js';
export { buildChallenge } from './challenge.js';
export type { MemoryDenyListOptions } from './deny-list.js';
export { memoryDenyList } from './deny-list.js';
export type {
  AuthErrorCode,
  AuthErrorInit,
  AuthErrorResponse,
  AuthErrorStatus,
  AuthErrorWord,
} from './errors.js';
export { AuthError, AuthErrorCodes, errorResponse, isAuthError } from './errors.js';
export { extractCredential } from './extract.js';
export { ALGORITHMS } from './jwt/algorithms.js';
export type { Algorithm, JwksOptions, JwtMethod, JwtOptions } from './jwt/jwt.js';
export { jwt } from './jwt/jwt.js';
export { checkOptions } from './lib/options.js';
export type { NodeRequestLike, RequestView } from './request.js';
export { fromFetchHeaders, fromNodeHeaders, fromNodeRequest, headerValues } from './request.js';
export type { AuthState } from './scopes.js';
export { hasScopes, scopeGuard } from './scopes.js';
export type {
  ApiKeyRecord,
  AuthEvent,
  Authenticator,
  AuthMethodName,
  CredentialSource,
  DenyList,
  JWTPayload,
  Method,
  Principal,
  VerifyContext,
} from './types.js';
