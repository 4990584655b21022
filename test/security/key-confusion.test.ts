// Key confusion: an attacker HMAC-signs with the verifier's *public* key as the secret, or
// switches the RSA padding or the algorithm family, hoping the verifier follows the header.
import { AuthErrorCodes as C, jwt, type Method } from '@portcullis/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS } from './support/apps.js';
import { useLeakCheck } from './support/collector.js';
import { expectAccepted, expectRejected, scenario } from './support/harness.js';
import { ecdsa, forge, hmac, pss, rsa } from './support/jws.js';
import { AUDIENCE, claims, ISSUER, type KeyPair, keyPair } from './support/keys.js';

useLeakCheck();

let rs: KeyPair;
let ec: KeyPair;
let other: KeyPair;
beforeAll(async () => {
  [rs, ec, other] = await Promise.all([keyPair('RS256'), keyPair('ES256'), keyPair('ES256')]);
});

/** Every way the public key could be fed to an HMAC as a "secret". */
function secretsFrom(key: KeyPair): [string, string | Uint8Array][] {
  const der = key.publicKey.export({ type: 'spki', format: 'der' });
  return [
    ['the PEM', key.pem],
    ['the PEM without its trailing newline', key.pem.trimEnd()],
    ['the PEM with a leading newline and spaces', `\n  ${key.pem}`],
    ['the PEM with CRLF line ends', key.pem.replace(/\n/g, '\r\n')],
    ['the PEM body alone', key.pem.replace(/-----[A-Z ]+-----|\s/g, '')],
    ['the JWK as a string', JSON.stringify(key.jwk)],
    ['the JWK without kid and alg', JSON.stringify({ ...key.jwk, kid: undefined, alg: undefined })],
    ['the SPKI DER bytes', new Uint8Array(der)],
  ];
}

const pinned = (key: KeyPair, alg: 'RS256' | 'ES256', form: 'pem' | 'jwk' | 'keyobject'): Method =>
  jwt({
    algorithms: [alg],
    issuer: ISSUER,
    audience: AUDIENCE,
    publicKey: form === 'pem' ? key.pem : form === 'jwk' ? key.jwk : key.publicKey,
  });

describe.each(ADAPTERS)('%s: key confusion', (adapter) => {
  it('accepts honest RS256 and ES256 tokens (control)', async () => {
    const r = await scenario(adapter, { methods: [pinned(rs, 'RS256', 'pem')] });
    expectAccepted(
      await r.bearer(
        forge({ header: { alg: 'RS256' }, payload: claims(), signer: rsa(rs.privateKey) }),
      ),
    );
    const e = await scenario(adapter, { methods: [pinned(ec, 'ES256', 'jwk')] });
    expectAccepted(
      await e.bearer(
        forge({ header: { alg: 'ES256' }, payload: claims(), signer: ecdsa(ec.privateKey) }),
      ),
    );
  });

  for (const form of ['pem', 'jwk', 'keyobject'] as const) {
    it(`refuses HS256 signed with the RSA public key, verifier holding a ${form}`, async () => {
      const app = await scenario(adapter, { methods: [pinned(rs, 'RS256', form)] });
      for (const [, key] of secretsFrom(rs)) {
        const token = forge({
          header: { alg: 'HS256', typ: 'JWT' },
          payload: claims(),
          signer: hmac(key),
        });
        expectRejected(await app.bearer(token), 401, [C.JWT_ALG_NOT_ALLOWED]);
      }
    });

    it(`refuses HS256 signed with the EC public key, verifier holding a ${form}`, async () => {
      const app = await scenario(adapter, { methods: [pinned(ec, 'ES256', form)] });
      for (const [, key] of secretsFrom(ec)) {
        for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
          const bits = alg.slice(2) as '256' | '384' | '512';
          const token = forge({ header: { alg }, payload: claims(), signer: hmac(key, bits) });
          expectRejected(await app.bearer(token), 401, [C.JWT_ALG_NOT_ALLOWED]);
        }
      }
    });
  }

  it('never lets a public key verify HMAC, even when HS256 is also allowed', async () => {
    // Either the configuration is refused at construction, or the HMAC token is refused.
    let method: Method | undefined;
    try {
      method = jwt({
        algorithms: ['RS256', 'HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        publicKey: rs.pem,
      });
    } catch (err) {
      expect(err).toBeInstanceOf(TypeError);
      return;
    }
    const app = await scenario(adapter, { methods: [method] });
    for (const [, key] of secretsFrom(rs)) {
      const token = forge({ header: { alg: 'HS256' }, payload: claims(), signer: hmac(key) });
      expectRejected(await app.bearer(token), 401, [
        C.JWT_ALG_NOT_ALLOWED,
        C.JWT_NO_MATCHING_KEY,
        C.JWT_SIGNATURE_INVALID,
      ]);
    }
  });

  it('never lets a JWKS public key verify HMAC', async () => {
    let method: Method | undefined;
    try {
      method = jwt({
        algorithms: ['RS256', 'HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        jwks: { keys: [rs.jwk] },
      });
    } catch (err) {
      expect(err).toBeInstanceOf(TypeError);
      return;
    }
    const app = await scenario(adapter, { methods: [method] });
    for (const [, key] of secretsFrom(rs)) {
      const token = forge({
        header: { alg: 'HS256', kid: rs.kid },
        payload: claims(),
        signer: hmac(key),
      });
      expectRejected(await app.bearer(token), 401, [
        C.JWT_ALG_NOT_ALLOWED,
        C.JWT_NO_MATCHING_KEY,
        C.JWT_SIGNATURE_INVALID,
      ]);
    }
  });

  it('refuses PS256 and ES256 tokens when pinned to RS256', async () => {
    const app = await scenario(adapter, { methods: [pinned(rs, 'RS256', 'pem')] });
    // Honest headers naming an algorithm that is not pinned.
    const ps = forge({ header: { alg: 'PS256' }, payload: claims(), signer: pss(rs.privateKey) });
    expectRejected(await app.bearer(ps), 401, [C.JWT_ALG_NOT_ALLOWED]);
    const es = forge({
      header: { alg: 'ES256' },
      payload: claims(),
      signer: ecdsa(other.privateKey),
    });
    expectRejected(await app.bearer(es), 401, [C.JWT_ALG_NOT_ALLOWED]);
    // Lying headers: RS256 named, another scheme's signature.
    const psAsRs = forge({
      header: { alg: 'RS256' },
      payload: claims(),
      signer: pss(rs.privateKey),
    });
    expectRejected(await app.bearer(psAsRs), 401, [C.JWT_SIGNATURE_INVALID]);
    const esAsRs = forge({
      header: { alg: 'RS256' },
      payload: claims(),
      signer: ecdsa(other.privateKey),
    });
    expectRejected(await app.bearer(esAsRs), 401, [C.JWT_SIGNATURE_INVALID]);
  });

  it('refuses an RS256 token when pinned to ES256 with an EC key', async () => {
    const app = await scenario(adapter, { methods: [pinned(ec, 'ES256', 'pem')] });
    const token = forge({
      header: { alg: 'RS256' },
      payload: claims(),
      signer: rsa(rs.privateKey),
    });
    expectRejected(await app.bearer(token), 401, [C.JWT_ALG_NOT_ALLOWED]);
    const es384 = forge({
      header: { alg: 'ES384' },
      payload: claims(),
      signer: ecdsa(ec.privateKey, '384'),
    });
    expectRejected(await app.bearer(es384), 401, [C.JWT_ALG_NOT_ALLOWED]);
  });
});
