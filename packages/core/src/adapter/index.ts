// @portcullis/core/adapter: what an adapter or store author needs and an application does not.
// Request views, credential extraction, challenges, the error factories, the awaitable control
// flow, what `authenticate()` records for the scope guards, and the argument checks every
// deny-list and replay store shares. Application code never imports this path.
export type { ActorRule } from '../actors.js';
export { invalidApiKey } from '../api-key/errors.js';
export type { ChallengeParts } from '../challenge.js';
export { buildChallenge } from '../challenge.js';
export type { AuthErrorResponse } from '../error-response.js';
export { errorResponse } from '../error-response.js';
export {
  actorNotAllowed,
  insufficientScope,
  invalidRequest,
  invalidToken,
  noCredentials,
  serverError,
  unavailable,
} from '../errors.js';
export type { ExtractConfig, Extracted } from '../extract.js';
export { extractCredential } from '../extract.js';
export { revocationExpiry } from '../jwt/deny-list.js';
export type { Awaitable } from '../lib/awaitable.js';
export { isPromiseLike } from '../lib/awaitable.js';
export { checkOptions } from '../lib/options.js';
export { checkHttpsUrl } from '../lib/url.js';
export { budgetAfter, gcra, periodAt } from '../limits/gcra.js';
export type { LimitAnswer } from '../limits/policy.js';
export { budgeter, rateLimited, rateLimiter } from '../limits/policy.js';
export { checkClaim } from '../replay/memory.js';
export type { NodeRequestLike, RequestView } from '../request.js';
export {
  fromFetchHeaders,
  fromFetchRequest,
  fromNodeHeaders,
  fromNodeRequest,
  headerValues,
} from '../request.js';
export type { ServedMetadata } from '../resource/metadata.js';
export { decodePath, protectedResourceMetadata } from '../resource/metadata.js';
export { toolScopeGuard } from '../resource/tool-scopes.js';
export { actorGuard } from './actor-guard.js';
export { authenticateAwaitable, authenticateThen } from './authenticate-then.js';
export { type LimitCheck, runLimits, withAuthLimits } from './limit-chain.js';
export { adapterOptions } from './options.js';
export { recallAuth, rememberAuth } from './request-auth.js';
export { scopeGuard } from './scope-guard.js';
export type { AdapterOptions, AuthState, ErrorsMode, RequestAuth } from './types.js';
