import { createServer } from 'node:http';
import {
  type AuthEvent,
  type Authenticator,
  type AuthenticatorOptions,
  apiKey,
  createAuthenticator,
  type DenyList,
  jwt,
  type Method,
  memoryDenyList,
} from '@portcullis/core';
import { fakeMethod } from '@portcullis/test-kit';
import { createKeyStore, createTestIssuer, type TestIssuer } from '@portcullis/testing';

export const REALM = 'conformance';
export const ISSUER = 'https://id.conformance.test/';
export const AUDIENCE = 'https://api.conformance.test';
/** The second issuer of the `issuers` setup (Keycloak-shaped: a realm path, no trailing slash). */
export const ISSUER_2 = 'https://sso.conformance.test/realms/partners';
/** The MCP server of the `mcp` setup: an OAuth protected resource (RFC 9728) with a path. */
export const RESOURCE = `${AUDIENCE}/mcp`;
/** Where its metadata is served, named in every challenge of the `mcp` setup. */
export const RESOURCE_METADATA =
  'https://api.conformance.test/.well-known/oauth-protected-resource/mcp';
export const PREFIX = 'pcs';
/** The frozen clock every authenticator, key store and token is relative to (epoch ms). */
export const NOW = Date.now();
export const NOW_S = Math.floor(NOW / 1000);

/** Which authenticator configuration a scenario runs against. */
export type Setup = 'main' | 'hmac' | 'jwks-down' | 'lookup-down' | 'faulty' | 'issuers' | 'mcp';
export const SETUPS: readonly Setup[] = [
  'main',
  'hmac',
  'jwks-down',
  'lookup-down',
  'faulty',
  'issuers',
  'mcp',
];

/** The test issuers whose tokens the scenarios send: one key each, one issuer and audience. */
export interface Issuers {
  rs256: TestIssuer;
  es256: TestIssuer;
  eddsa: TestIssuer;
  hs256: TestIssuer;
  /** RS256, for {@link ISSUER_2}: the second jwt() method of the `issuers` setup. */
  partner: TestIssuer;
}

/** API keys by role, and what the store holds. */
export interface Keys {
  reader: string;
  nobody: string;
  expired: string;
  revoked: string;
  unstored: string;
  otherPrefix: string;
}

/** Everything the scenarios use, made fresh per run. */
export interface World {
  keys: Keys;
  issuers: Issuers;
  denyList: DenyList;
  /** A fresh authenticator for `setup`: every app gets its own, so no cache is shared. */
  authenticator(setup: Setup, onEvent?: (event: AuthEvent) => void): Authenticator;
}

/** A URL on 127.0.0.1 where nothing listens. */
async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/jwks.json`;
}

/** The store behind every setup's `apiKey()`, and one whose every lookup throws. */
function keyStores() {
  const store = createKeyStore({ prefix: PREFIX, now: () => NOW });
  const add = (subject: string, scopes: string[] = ['billing:read']) =>
    store.add({ subject, scopes });
  const expired = add('svc-expired');
  store.expire(expired.id);
  const revoked = add('svc-revoked');
  store.revoke(revoked.id);
  const unstored = add('svc-unstored');
  store.remove(unstored.id);
  const keys: Keys = {
    reader: add('svc-reader', ['conversations:read', 'billing:read']).key,
    nobody: add('svc-nobody', []).key,
    expired: expired.key,
    revoked: revoked.key,
    unstored: unstored.key,
    otherPrefix: store.add({ subject: 'svc-other', scopes: ['billing:read'], prefix: 'zzz' }).key,
  };
  const down = createKeyStore({ prefix: PREFIX });
  down.fail();
  // The stores' `cache: false` is for tests that change a key between requests; these keep the
  // default cache, as an application would.
  const method = (s: typeof store) => apiKey({ prefix: s.prefix, lookup: s.lookup });
  return { keys, apiKey: () => method(store), failingApiKey: () => method(down) };
}

/**
 * Make the keys, token issuers and authenticator configurations for one run.
 *
 * @example
 * ```ts
 * const world = await makeWorld();
 * const app = await factory(world.authenticator('main'), APP);
 * ```
 */
export async function makeWorld(): Promise<World> {
  const stores = keyStores();
  const issuer = (algorithm: 'RS256' | 'ES256' | 'EdDSA' | 'HS256', kid: string) =>
    createTestIssuer({ algorithm, issuer: ISSUER, audience: AUDIENCE, kid, now: () => NOW });
  const [rs256, es256, eddsa, hs256, partner] = await Promise.all([
    issuer('RS256', 'rs-1'),
    issuer('ES256', 'es-1'),
    issuer('EdDSA', 'ed-1'),
    issuer('HS256', 'hs-1'),
    createTestIssuer({
      algorithm: 'RS256',
      issuer: ISSUER_2,
      audience: AUDIENCE,
      kid: 'rs-2',
      now: () => NOW,
    }),
  ]);
  const denyList = memoryDenyList({ now: () => NOW });
  const unreachable = await closedUrl();
  const common = { issuer: ISSUER, audience: AUDIENCE, denyList } as const;
  const keysOf = (...issuers: TestIssuer[]) => issuers.flatMap((i) => i.jwks?.keys ?? []);

  const methods: Record<Setup, () => Method[]> = {
    main: () => [
      stores.apiKey(),
      jwt({
        ...common,
        algorithms: ['RS256', 'ES256', 'EdDSA'],
        jwks: { keys: keysOf(rs256, es256, eddsa) },
      }),
    ],
    hmac: () => [stores.apiKey(), jwt({ ...hs256.jwtOptions, denyList })],
    'jwks-down': () => [
      jwt({ ...common, algorithms: ['RS256'], jwks: unreachable, jwksOptions: { timeout: 2000 } }),
    ],
    'lookup-down': () => [stores.failingApiKey()],
    faulty: () => [fakeMethod()],
    // Two issuers, one jwt() method each: every token goes to the method of its `iss`.
    issuers: () => [
      stores.apiKey(),
      jwt({
        ...common,
        algorithms: ['RS256', 'ES256', 'EdDSA'],
        jwks: { keys: keysOf(rs256, es256, eddsa) },
      }),
      jwt({ ...partner.jwtOptions, denyList }),
    ],
    // An MCP server: tokens for the API or for the resource itself, challenges naming the
    // metadata, and a scope hierarchy (`billing` satisfies `billing:write`).
    mcp: () => [
      stores.apiKey(),
      jwt({
        ...common,
        audience: [RESOURCE, AUDIENCE],
        algorithms: ['RS256', 'ES256', 'EdDSA'],
        jwks: { keys: keysOf(rs256, es256, eddsa) },
      }),
    ],
  };
  const extra: Partial<
    Record<Setup, Pick<AuthenticatorOptions, 'resourceMetadata' | 'scopeHierarchy'>>
  > = {
    mcp: { resourceMetadata: RESOURCE_METADATA, scopeHierarchy: ':' },
  };
  return {
    keys: stores.keys,
    issuers: { rs256, es256, eddsa, hs256, partner },
    denyList,
    authenticator: (setup, onEvent) =>
      createAuthenticator({
        realm: REALM,
        methods: methods[setup](),
        now: () => NOW,
        ...extra[setup],
        ...(onEvent === undefined ? {} : { onEvent }),
      }),
  };
}
