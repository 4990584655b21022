export { authenticate } from './authenticate.js';
export { protectedResource, requireToolScopes } from './protected-resource.js';
export { budget, rateLimit } from './rate-limit.js';
export { requireActor } from './require-actor.js';
export { requireAnyScope, requireScope } from './require-scope.js';
export type {
  AuthenticateOptions,
  AuthVariables,
  Budget,
  BudgetOptions,
  BudgetVariables,
  ErrorsMode,
  OptionalAuthVariables,
  ProtectedResourceOptions,
  RateLimitOptions,
  ToolScopesOptions,
  WithAuthOptions,
} from './types.js';
export { withAuth } from './with-auth.js';
