// @portcullis/core: the application API. Adapter plumbing is at `@portcullis/core/adapter`.

export type { ActorRule } from './actors.js';
export { apiKey } from './api-key/api-key.js';
export type { ParsedApiKey } from './api-key/format.js';
export { isWellFormedApiKey, parseApiKey } from './api-key/format.js';
export { generateApiKey, hashApiKey } from './api-key/generate.js';
export type {
  ApiKeyCacheOptions,
  ApiKeyMethod,
  ApiKeyOptions,
  ApiKeyRecord,
  InvalidationLink,
  InvalidationTarget,
  KeyInvalidation,
  LookupResult,
} from './api-key/types.js';
export type { ApiKeyFailureReason, AuthEventReason, JwtFailureReason } from './audit-reasons.js';
export type { AuthErrorInit } from './auth-error.js';
export { AuthError, isAuthError } from './auth-error.js';
export { createAuthenticator } from './authenticator.js';
export { ALGORITHMS } from './crypto/algorithms.js';
export type { Algorithm } from './crypto/types.js';
export type { AuthErrorCode, AuthErrorStatus, AuthErrorWord } from './error-codes.js';
export { AuthErrorCodes } from './error-codes.js';
export type { AuthErrorResponse } from './error-response.js';
export { errorResponse } from './error-response.js';
export { memoryDenyList } from './jwt/deny-list.js';
export type { DpopNonceOptions, DpopOptions } from './jwt/dpop-types.js';
export { jwt } from './jwt/jwt.js';
export type {
  DenyList,
  JwksOptions,
  JwtMethod,
  JwtOptions,
  MemoryDenyListOptions,
  ScopeClaimName,
} from './jwt/types.js';
export type { MemoryLimitStore } from './limits/memory-store.js';
export { memoryLimitStore } from './limits/memory-store.js';
export type { Budget, BudgetOptions, RateLimitOptions } from './limits/policy.js';
export type {
  BudgetState,
  LimitStore,
  MemoryLimitStoreOptions,
  RateDecision,
  RateRule,
} from './limits/types.js';
export { memoryReplayStore } from './replay/memory.js';
export type { MemoryReplayStoreOptions, ReplayStore } from './replay/types.js';
export type { ProtectedResourceOptions } from './resource/metadata.js';
export type { ToolScopesOptions } from './resource/tool-scopes.js';
export { hasScopes } from './scopes.js';
export type {
  Actor,
  AuthEvent,
  Authenticator,
  AuthenticatorOptions,
  AuthMethodName,
  CredentialSource,
  JWTPayload,
  Method,
  Principal,
  SenderRequest,
  VerifyContext,
} from './types.js';
