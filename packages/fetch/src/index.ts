export { protectedResource } from './protected-resource.js';
export type {
  AuthContext,
  AuthHandler,
  Budget,
  BudgetOptions,
  FetchHandler,
  OptionalAuthContext,
  ProtectedResourceOptions,
  RateLimitOptions,
  ToolScopesOptions,
  WithAuthOptions,
} from './types.js';
export { withAuth } from './with-auth.js';
