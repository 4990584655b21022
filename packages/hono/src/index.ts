export { authenticate } from './authenticate.js';
export { requireAnyScope, requireScope } from './require-scope.js';
export type {
  AuthenticateOptions,
  AuthVariables,
  ErrorsMode,
  OptionalAuthVariables,
  WithAuthOptions,
} from './types.js';
export { withAuth } from './with-auth.js';
