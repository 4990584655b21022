import { generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { Algorithm } from '../crypto/types.js';
import { AuthErrorCodes } from '../error-codes.js';
import { detailOf } from '../lib/detail.js';
import {
  AUDIENCE,
  b64,
  claims,
  ctx,
  IMPLS,
  ISSUER,
  makeSigner,
  NOW,
  options,
} from '../test-helpers/jwt-fixtures.js';
import { createJwtVerifier } from './verifier.js';

const ALGS: Algorithm[] = ['HS256', 'RS256', 'PS256', 'ES256', 'ES384', 'EdDSA', 'Ed25519'];

describe.each(IMPLS)('verify on $runtime crypto', (impl) => {
  it.each(ALGS)('accepts a valid %s token and returns the principal', async (alg) => {
    const signer = await makeSigner(alg);
    const verifier = createJwtVerifier(options(signer, { tenantClaim: 'org' }), impl);
    const token = await signer.sign(claims({ org: 'acme' }));
    const principal = await verifier.verify(token, ctx());
    expect(principal).toEqual({
      method: 'jwt',
      subject: 'user-1',
      scopes: ['read', 'write'],
      tenant: 'acme',
      claims: claims({ org: 'acme' }),
      expiresAt: new Date((NOW + 600) * 1000),
    });
    expect(Object.isFrozen(principal.scopes)).toBe(true);
  });

  it.each(ALGS)(
    'refuses a %s token whose signature was altered or made by another key',
    async (alg) => {
      const signer = await makeSigner(alg);
      const other = await makeSigner(alg);
      const verifier = createJwtVerifier(options(signer, { cache: false }), impl);
      const token = await signer.sign();
      const [h, p, s] = token.split('.') as [string, string, string];
      const sig = Buffer.from(s, 'base64url');
      sig[0] = sig[0]! ^ 1;
      const flipped = `${h}.${p}.${b64(sig)}`;
      const err = await verifier.verify(flipped, ctx()).catch((e) => e);
      expect(err).toMatchObject({ code: AuthErrorCodes.JWT_SIGNATURE_INVALID, status: 401 });
      expect(detailOf(err)?.jti).toBeUndefined();
      await expect(verifier.verify(await other.sign(), ctx())).rejects.toMatchObject({
        code: AuthErrorCodes.JWT_SIGNATURE_INVALID,
      });
      // A payload changed under the original signature.
      const forged = `${h}.${b64(JSON.stringify(claims({ sub: 'admin' })))}.${s}`;
      await expect(verifier.verify(forged, ctx())).rejects.toMatchObject({
        code: AuthErrorCodes.JWT_SIGNATURE_INVALID,
      });
    },
  );

  it('refuses an ES256 signature in DER form and the all-zero "psychic" signature', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const verifier = createJwtVerifier(
      { algorithms: ['ES256'], issuer: ISSUER, audience: AUDIENCE, publicKey },
      impl,
    );
    const signed = `${b64(JSON.stringify({ alg: 'ES256' }))}.${b64(JSON.stringify(claims()))}`;
    const p1363 = nodeSign('sha256', Buffer.from(signed), {
      key: privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    expect((await verifier.verify(`${signed}.${b64(p1363)}`, ctx())).subject).toBe('user-1');
    const der = nodeSign('sha256', Buffer.from(signed), privateKey);
    await expect(verifier.verify(`${signed}.${b64(der)}`, ctx())).rejects.toMatchObject({
      code: AuthErrorCodes.JWT_SIGNATURE_INVALID,
    });
    await expect(
      verifier.verify(`${signed}.${b64(new Uint8Array(64))}`, ctx()),
    ).rejects.toMatchObject({
      code: AuthErrorCodes.JWT_SIGNATURE_INVALID,
    });
  });

  it('refuses an HS256 token signed with an RSA public key as the secret (key confusion)', async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    const pem = await exportSPKI(pair.publicKey);
    const verifier = createJwtVerifier(
      { algorithms: ['RS256'], issuer: ISSUER, audience: AUDIENCE, publicKey: pem },
      impl,
    );
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(pem));
    await expect(verifier.verify(token, ctx())).rejects.toMatchObject({
      code: AuthErrorCodes.JWT_ALG_NOT_ALLOWED,
    });
  });

  it('accepts public keys as PEM, JWK, KeyObject and CryptoKey, and secrets as string, bytes and KeyObject', async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'ES256' })
      .sign(pair.privateKey);
    const { createPublicKey, createSecretKey } = await import('node:crypto');
    const jwk = await exportJWK(pair.publicKey);
    const forms = [
      await exportSPKI(pair.publicKey),
      jwk,
      createPublicKey({ key: jwk as never, format: 'jwk' }),
      pair.publicKey,
    ];
    for (const publicKey of forms) {
      const verifier = createJwtVerifier(
        {
          algorithms: ['ES256'],
          issuer: ISSUER,
          audience: AUDIENCE,
          publicKey: publicKey as never,
        },
        impl,
      );
      expect((await verifier.verify(token, ctx())).subject).toBe('user-1');
    }
    const secret = 'a'.repeat(32);
    const hsToken = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(secret));
    for (const form of [
      secret,
      new TextEncoder().encode(secret),
      createSecretKey(Buffer.from(secret)),
    ]) {
      const verifier = createJwtVerifier(
        { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, secret: form },
        impl,
      );
      expect((await verifier.verify(hsToken, ctx())).subject).toBe('user-1');
    }
  });

  it('claims every dotted value, so malformed tokens get its precise code, and lists its cookie', async () => {
    const signer = await makeSigner('HS256');
    const verifier = createJwtVerifier(options(signer, { cookie: 'session' }), impl);
    const source = { kind: 'authorization' } as const;
    expect(verifier.type).toBe('jwt');
    expect(verifier.headers).toEqual([]);
    expect(verifier.cookies).toEqual(['session']);
    expect(verifier.recognizes(await signer.sign(), source)).toBe(true);
    for (const value of ['a.b', 'a.b.c.d', 'a..c', '.b.c', 'a.b.', 'a.b.c=', 'a+.b.c']) {
      expect(verifier.recognizes(value, source), value).toBe(true);
      await expect(verifier.verify(value, ctx()), value).rejects.toMatchObject({
        status: 401,
        code: 'ERR_JWT_MALFORMED',
      });
    }
    for (const value of ['pcs_abc', 'opaque-token', '']) {
      expect(verifier.recognizes(value, source), value).toBe(false);
    }
    expect(createJwtVerifier(options(signer), impl).cookies).toEqual([]);
  });
});
