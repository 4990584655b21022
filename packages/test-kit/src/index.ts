export {
  FAKE_BOOM,
  FAKE_DOWN,
  FAKE_KEYS,
  FAKE_REALM,
  FAKE_SECRET,
  fakeKeysAuthenticator,
  fakeMethod,
} from './fake-method.js';
export type { Answer, HeaderPairs, InMemoryApp, RequestHeaders, Target } from './http.js';
export { getOnce, inMemory, listen, requestOnce } from './http.js';
export type { TieredKeys } from './limits.js';
export { failingLimitStore, tieredAuthenticator } from './limits.js';
export {
  MCP_APP,
  MCP_DOCUMENT,
  MCP_METADATA_PATHS,
  MCP_METADATA_URL,
  MCP_RESOURCE,
  MCP_RESOURCE_OPTIONS,
  MCP_TOOLS,
  MCP_VERSION,
  mcpAuthenticator,
  mcpHeaders,
} from './resource.js';
export type {
  Adapter,
  AppFactory,
  AppSpec,
  AuthOptions,
  Route,
  RouteMethod,
} from './routes.js';
export { answerAuth, ESCAPED_STATUS } from './routes.js';
