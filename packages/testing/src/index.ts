export type { FakeAnswer } from './fake-authenticator.js';
export { fakeAuthenticator } from './fake-authenticator.js';
export type { AddedKey, AddKeyInput, KeyStore, KeyStoreOptions } from './key-store.js';
export { createKeyStore } from './key-store.js';
export type { TestAlgorithm } from './keys.js';
export type { TestPrincipalInput } from './principal.js';
export { testPrincipal } from './principal.js';
export { tamper } from './tamper.js';
export type {
  BrokenTokenKind,
  SignOptions,
  TestIssuer,
  TestIssuerOptions,
  TestJwtOptions,
} from './test-issuer.js';
export { BROKEN_TOKEN_KINDS, createTestIssuer } from './test-issuer.js';
