import { createServer } from 'node:http';
import {
  type ApiKeyRecord,
  type AuthEvent,
  type Authenticator,
  apiKey,
  createAuthenticator,
  type DenyList,
  generateApiKey,
  jwt,
  type Method,
  memoryDenyList,
} from '@portcullis/core';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

export const REALM = 'conformance';
export const ISSUER = 'https://id.conformance.test/';
export const AUDIENCE = 'https://api.conformance.test';
export const PREFIX = 'pcs';
/** The frozen clock every authenticator and every token is relative to (epoch ms). */
export const NOW = Date.now();
export const NOW_S = Math.floor(NOW / 1000);

/** Which authenticator configuration a scenario runs against. */
export type Setup = 'main' | 'hmac' | 'jwks-down';
export const SETUPS: readonly Setup[] = ['main', 'hmac', 'jwks-down'];

/** Signing keys for the tokens the scenarios mint. */
export interface Signers {
  rs256: CryptoKey;
  es256: CryptoKey;
  eddsa: CryptoKey;
  hs256: Uint8Array;
}

/** API keys by role, and what the store holds. */
export interface Keys {
  reader: string;
  nobody: string;
  expired: string;
  revoked: string;
  unstored: string;
  otherPrefix: string;
  failing: string;
}

/** Everything the scenarios use, made fresh per run. */
export interface World {
  keys: Keys;
  signers: Signers;
  denyList: DenyList;
  /** A fresh authenticator for `setup`: every app gets its own, so no cache is shared. */
  authenticator(setup: Setup, onEvent?: (event: AuthEvent) => void): Authenticator;
}

async function keyPair(alg: string, kid: string): Promise<{ priv: CryptoKey; jwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { priv: privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A URL on 127.0.0.1 where nothing listens. */
async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/jwks.json`;
}

function apiKeyStore() {
  const records = new Map<string, ApiKeyRecord>();
  const failing = new Set<string>();
  const add = (record: Omit<ApiKeyRecord, 'id'>, prefix = PREFIX, store = true) => {
    const { key, hash } = generateApiKey({ prefix });
    if (store) records.set(hash, { id: `key_${records.size + 1}`, ...record });
    return { key, hash };
  };
  const past = NOW_S - 3600;
  const keys: Keys = {
    reader: add({ subject: 'svc-reader', scopes: ['conversations:read', 'billing:read'] }).key,
    nobody: add({ subject: 'svc-nobody', scopes: [] }).key,
    expired: add({ subject: 'svc-expired', scopes: ['billing:read'], expiresAt: past }).key,
    revoked: add({ subject: 'svc-revoked', scopes: ['billing:read'], revokedAt: past }).key,
    unstored: add({ subject: 'svc-unstored', scopes: ['billing:read'] }, PREFIX, false).key,
    otherPrefix: add({ subject: 'svc-other', scopes: ['billing:read'] }, 'zzz').key,
    failing: '',
  };
  const poison = add({ subject: 'svc-failing', scopes: [] }, PREFIX, false);
  failing.add(poison.hash);
  keys.failing = poison.key;
  const lookup = (hash: string) => {
    if (failing.has(hash)) throw new Error('connection refused: db.internal:5432');
    return records.get(hash) ?? null;
  };
  return { keys, lookup };
}

/**
 * Make the keys, tokens' signers and authenticator configurations for one run.
 *
 * @example
 * ```ts
 * const world = await makeWorld();
 * const app = expressApp(world.authenticator('main'));
 * ```
 */
export async function makeWorld(): Promise<World> {
  const { keys, lookup } = apiKeyStore();
  const [rs, es, ed] = await Promise.all([
    keyPair('RS256', 'rs-1'),
    keyPair('ES256', 'es-1'),
    keyPair('EdDSA', 'ed-1'),
  ]);
  const hs256 = crypto.getRandomValues(new Uint8Array(32));
  const denyList = memoryDenyList({ now: () => NOW });
  const unreachable = await closedUrl();
  const common = { issuer: ISSUER, audience: AUDIENCE, denyList } as const;

  const methods: Record<Setup, () => Method[]> = {
    main: () => [
      apiKey({ prefix: PREFIX, lookup }),
      jwt({
        ...common,
        algorithms: ['RS256', 'ES256', 'EdDSA'],
        jwks: { keys: [rs.jwk, es.jwk, ed.jwk] },
      }),
    ],
    hmac: () => [
      apiKey({ prefix: PREFIX, lookup }),
      jwt({ ...common, algorithms: ['HS256'], secret: hs256 }),
    ],
    'jwks-down': () => [
      jwt({ ...common, algorithms: ['RS256'], jwks: unreachable, jwksOptions: { timeout: 2000 } }),
    ],
  };
  return {
    keys,
    signers: { rs256: rs.priv, es256: es.priv, eddsa: ed.priv, hs256 },
    denyList,
    authenticator: (setup, onEvent) =>
      createAuthenticator({
        realm: REALM,
        methods: methods[setup](),
        now: () => NOW,
        ...(onEvent === undefined ? {} : { onEvent }),
      }),
  };
}
