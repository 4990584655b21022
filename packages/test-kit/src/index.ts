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
export { getOnce, inMemory, listen } from './http.js';
export type { TieredKeys } from './limits.js';
export { failingLimitStore, tieredAuthenticator } from './limits.js';
export type { Adapter, AppFactory, AppSpec, AuthOptions, Route } from './routes.js';
export { answerAuth, ESCAPED_STATUS } from './routes.js';
