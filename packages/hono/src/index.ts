export { authenticate } from './authenticate.js';
export { budget, rateLimit } from './rate-limit.js';
export { requireAnyScope, requireScope } from './require-scope.js';
export type {
  AuthenticateOptions,
  AuthVariables,
  Budget,
  BudgetOptions,
  BudgetVariables,
  ErrorsMode,
  OptionalAuthVariables,
  RateLimitOptions,
  WithAuthOptions,
} from './types.js';
export { withAuth } from './with-auth.js';
