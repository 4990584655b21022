export { authenticate } from './authenticate.js';
export { budget, rateLimit } from './rate-limit.js';
export { requireAnyScope, requireScope } from './require-scope.js';
export type {
  AuthenticateOptions,
  Budget,
  BudgetOptions,
  ErrorsMode,
  RateLimitOptions,
} from './types.js';
