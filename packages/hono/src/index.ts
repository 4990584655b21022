export { authenticate } from './authenticate.js';
export { requireAnyScope, requireScope } from './require-scope.js';
export type {
  AuthenticateOptions,
  AuthVariables,
  ErrorsMode,
  OptionalAuthVariables,
} from './types.js';
