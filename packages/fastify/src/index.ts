export { authenticate } from './authenticate.js';
export { portcullis as default, portcullis } from './plugin.js';
export { protectedResource, requireToolScopes } from './protected-resource.js';
export { budget, rateLimit } from './rate-limit.js';
export { requireActor } from './require-actor.js';
export { requireAnyScope, requireScope } from './require-scope.js';
export type {
  AuthenticateOptions,
  Budget,
  BudgetOptions,
  ErrorsMode,
  PortcullisHook,
  PortcullisPluginOptions,
  ProtectedResourceOptions,
  RateLimitOptions,
  ToolScopesOptions,
} from './types.js';
