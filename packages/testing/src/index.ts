export type {
  DpopAlgorithm,
  DpopBrokenKind,
  DpopKey,
  DpopKeyOptions,
  DpopProofOptions,
} from './dpop.js';
export { createDpopKey, DPOP_BROKEN_KINDS } from './dpop.js';
export type { FakeAnswer } from './fake-authenticator.js';
export { fakeAuthenticator } from './fake-authenticator.js';
export type { AddedKey, AddKeyInput, KeyStore, KeyStoreOptions } from './key-store.js';
export { createKeyStore } from './key-store.js';
export type { TestAlgorithm } from './keys.js';
export type { TestPrincipalInput } from './principal.js';
export { testPrincipal } from './principal.js';
export type {
  CheckResourceServerOptions,
  ResourceServerCheck,
  ResourceServerCheckName,
  ResourceServerReport,
} from './resource-server.js';
export {
  assertResourceServer,
  checkResourceServer,
  RESOURCE_SERVER_CHECKS,
} from './resource-server.js';
export { tamper } from './tamper.js';
export type {
  BrokenTokenKind,
  SignOptions,
  TestIssuer,
  TestIssuerOptions,
  TestJwtOptions,
} from './test-issuer.js';
export { BROKEN_TOKEN_KINDS, createTestIssuer } from './test-issuer.js';
