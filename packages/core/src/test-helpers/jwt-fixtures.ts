// Fixtures for the JWT verifier tests: fresh keys per run, a frozen clock, raw token crafting.
import { createHmac } from 'node:crypto';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { expect } from 'vitest';
import * as node from '../crypto/node.js';
import type { Algorithm } from '../crypto/types.js';
import * as web from '../crypto/web.js';
import type { JwtOptions } from '../jwt/types.js';
import type { VerifyContext } from '../types.js';

/** Both crypto implementations; every verifier test runs on each. */
export const IMPLS = [node, web] as const;

/** The frozen clock, epoch ms and s. */
export const NOW_MS = 1_800_000_000_000;
export const NOW = NOW_MS / 1000;
export const ISSUER = 'https://id.example.com/';
export const AUDIENCE = 'https://api.example.com';

export function ctx(nowMs = NOW_MS): VerifyContext {
  return { now: () => nowMs, realm: 'test-realm' };
}

export const b64 = (value: string | Uint8Array) => Buffer.from(value).toString('base64url');

/** Standard, valid claims with overrides (`undefined` removes a claim). */
export function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'user-1',
    iat: NOW - 10,
    exp: NOW + 600,
    jti: 'jti-1',
    scope: 'read write',
    ...overrides,
  };
  for (const k of Object.keys(base)) if (base[k] === undefined) delete base[k];
  return base;
}

export interface Signer {
  alg: Algorithm;
  /** Options to spread into jwt(): `secret` or `publicKey`. */
  key: Pick<JwtOptions, 'secret' | 'publicKey'>;
  publicJwk: JWK | undefined;
  privateKey: CryptoKey | Uint8Array;
  sign(payload?: Record<string, unknown>, header?: Record<string, unknown>): Promise<string>;
}

/** A fresh key pair (or secret) for `alg`. */
export async function makeSigner(alg: Algorithm, kid?: string): Promise<Signer> {
  let privateKey: CryptoKey | Uint8Array;
  let key: Signer['key'];
  let publicJwk: JWK | undefined;
  if (alg.startsWith('HS')) {
    privateKey = node.randomBytes(Number(alg.slice(2)) / 8);
    key = { secret: privateKey };
  } else {
    const pair = await generateKeyPair(alg, { extractable: true });
    privateKey = pair.privateKey;
    publicJwk = await exportJWK(pair.publicKey);
    if (kid !== undefined) publicJwk.kid = kid;
    key = { publicKey: publicJwk };
  }
  return {
    alg,
    key,
    publicJwk,
    privateKey,
    sign: (payload = claims(), header = {}) =>
      new SignJWT(payload)
        .setProtectedHeader({ alg, ...(kid === undefined ? {} : { kid }), ...header })
        .sign(privateKey),
  };
}

/** An HS256 token over raw header and payload JSON text (for headers jose refuses to sign). */
export function rawHs256(header: string, payload: string, secret: Uint8Array): string {
  const signed = `${b64(header)}.${b64(payload)}`;
  return `${signed}.${createHmac('sha256', secret).update(signed).digest('base64url')}`;
}

/** `{"alg":"HS256"}`, the header of the hand-made tokens below. */
export const HS256_HEADER = JSON.stringify({ alg: 'HS256' });

/** An HS256 token over `claims(overrides)`, signed by hand with `secret`. */
export function hs256Token(secret: Uint8Array, overrides: Record<string, unknown> = {}): string {
  return rawHs256(HS256_HEADER, JSON.stringify(claims(overrides)), secret);
}

/** Options for jwt() with the standard issuer and audience. */
export function options(signer: Signer, extra: Partial<JwtOptions> = {}): JwtOptions {
  return { algorithms: [signer.alg], issuer: ISSUER, audience: AUDIENCE, ...signer.key, ...extra };
}

/** Expect a rejection with an AuthError of `code` and `status`. */
export async function rejects(promise: Promise<unknown>, code: string, status = 401) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected ${code}`).toMatchObject({ code, status });
  return err;
}
