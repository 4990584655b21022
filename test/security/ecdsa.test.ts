// ECDSA: the "psychic signature" (r = s = 0, CVE-2022-21449), DER-encoded signatures where JWS
// wants r‖s, and high-S twins of a revoked token, which must stay revoked (revocation is by jti).
import { AuthErrorCodes as C, jwt, memoryDenyList } from '@portcullis/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS } from './support/apps.js';
import { useLeakCheck } from './support/collector.js';
import { expectAccepted, expectRejected, scenario } from './support/harness.js';
import { b64url, ecdsa, fixed, forge, parts } from './support/jws.js';
import { AUDIENCE, claims, ISSUER, type KeyPair, keyPair } from './support/keys.js';

useLeakCheck();

// The order of the P-256 group.
const N256 = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

let es: KeyPair;
let es384: KeyPair;
beforeAll(async () => {
  [es, es384] = await Promise.all([keyPair('ES256'), keyPair('ES384')]);
});

const method = (extra: Partial<Parameters<typeof jwt>[0]> = {}) =>
  jwt({ algorithms: ['ES256'], issuer: ISSUER, audience: AUDIENCE, publicKey: es.jwk, ...extra });

function toBigInt(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
}
function toBytes(value: bigint, length: number): Uint8Array {
  return Buffer.from(value.toString(16).padStart(length * 2, '0'), 'hex');
}

/** The same token with s replaced by n - s: a second valid ECDSA signature of the same input. */
function highSTwin(token: string): string {
  const [h, p, sig] = parts(token);
  const raw = Buffer.from(sig, 'base64url');
  const r = raw.subarray(0, 32);
  const s = toBigInt(raw.subarray(32));
  const twin = Buffer.concat([r, toBytes(N256 - s, 32)]);
  return `${h}.${p}.${b64url(twin)}`;
}

describe.each(ADAPTERS)('%s: ECDSA', (adapter) => {
  it('accepts an honest ES256 token (control)', async () => {
    const app = await scenario(adapter, { methods: [method()] });
    expectAccepted(
      await app.bearer(
        forge({ header: { alg: 'ES256' }, payload: claims(), signer: ecdsa(es.privateKey) }),
      ),
    );
  });

  it('refuses the psychic signature r = s = 0 (CVE-2022-21449)', async () => {
    const app = await scenario(adapter, { methods: [method()] });
    // r = s = 0, and r = s = n (zero modulo n).
    const nn = Buffer.concat([toBytes(N256, 32), toBytes(N256, 32)]);
    for (const sig of [new Uint8Array(64), nn]) {
      const token = forge({ header: { alg: 'ES256' }, payload: claims(), signer: fixed(sig) });
      expectRejected(await app.bearer(token), 401, [C.JWT_SIGNATURE_INVALID]);
    }
    // r = s = 0 in DER, and of the wrong length.
    for (const sig of [
      Buffer.from('3006020100020100', 'hex'),
      new Uint8Array(0),
      new Uint8Array(63),
      new Uint8Array(65),
    ]) {
      const token = forge({ header: { alg: 'ES256' }, payload: claims(), signer: fixed(sig) });
      expectRejected(await app.bearer(token), 401, [
        C.JWT_SIGNATURE_INVALID,
        C.JWT_MALFORMED,
        C.UNSUPPORTED_CREDENTIAL,
      ]);
    }
  });

  it('refuses the psychic signature on ES384 too', async () => {
    const app = await scenario(adapter, {
      methods: [
        jwt({ algorithms: ['ES384'], issuer: ISSUER, audience: AUDIENCE, publicKey: es384.pem }),
      ],
    });
    expectAccepted(
      await app.bearer(
        forge({
          header: { alg: 'ES384' },
          payload: claims(),
          signer: ecdsa(es384.privateKey, '384'),
        }),
      ),
    );
    const token = forge({
      header: { alg: 'ES384' },
      payload: claims(),
      signer: fixed(new Uint8Array(96)),
    });
    expectRejected(await app.bearer(token), 401, [C.JWT_SIGNATURE_INVALID]);
  });

  it('refuses a DER-encoded signature made by the right key', async () => {
    const app = await scenario(adapter, { methods: [method()] });
    for (let i = 0; i < 5; i++) {
      const token = forge({
        header: { alg: 'ES256' },
        payload: claims(),
        signer: ecdsa(es.privateKey, '256', 'der'),
      });
      expectRejected(await app.bearer(token), 401, [C.JWT_SIGNATURE_INVALID, C.JWT_MALFORMED]);
    }
  });

  it('keeps a revoked token revoked in its high-S twin and any re-encoding', async () => {
    const denyList = memoryDenyList();
    const app = await scenario(adapter, { methods: [method({ denyList })] });
    const payload = claims();
    const token = forge({ header: { alg: 'ES256' }, payload, signer: ecdsa(es.privateKey) });
    const twin = highSTwin(token);
    expect(twin).not.toBe(token);
    // The original is accepted (and may now sit in the verification cache).
    expectAccepted(await app.bearer(token));
    await denyList.revoke(payload['jti'] as string, payload['exp'] as number);
    expectRejected(await app.bearer(token), 401, [C.JWT_REVOKED]);
    // The twin is a valid ECDSA signature too; whether refused as high-S or as revoked, never 200.
    expectRejected(await app.bearer(twin), 401, [C.JWT_REVOKED, C.JWT_SIGNATURE_INVALID]);
    // A fresh signature of the same claims (ECDSA is randomised): still the same jti.
    const resigned = forge({ header: { alg: 'ES256' }, payload, signer: ecdsa(es.privateKey) });
    expect(resigned).not.toBe(token);
    expectRejected(await app.bearer(resigned), 401, [C.JWT_REVOKED]);
    // Other header spellings of the same claims: still the same jti.
    const reheaded = forge({
      header: { typ: 'JWT', alg: 'ES256' },
      payload,
      signer: ecdsa(es.privateKey),
    });
    expectRejected(await app.bearer(reheaded), 401, [C.JWT_REVOKED]);
  });

  it('refuses a token without jti when a deny-list is configured', async () => {
    const app = await scenario(adapter, { methods: [method({ denyList: memoryDenyList() })] });
    const { jti: _, ...payload } = claims();
    const token = forge({ header: { alg: 'ES256' }, payload, signer: ecdsa(es.privateKey) });
    expectRejected(await app.bearer(token), 401, [C.JWT_CLAIM_MISSING]);
  });
});
