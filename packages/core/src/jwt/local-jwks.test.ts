import { describe, expect, it } from 'vitest';
import type { Algorithm, JWK } from '../crypto/types.js';
import { AuthErrorCodes as C } from '../error-codes.js';
import { AUDIENCE, b64, ctx, IMPLS, ISSUER, makeSigner } from '../test-helpers/jwt-fixtures.js';
import { createJwtVerifier } from './verifier.js';

const es1 = await makeSigner('ES256', 'es-1');
const es2 = await makeSigner('ES256', 'es-2');
const rs = await makeSigner('RS256', 'rs-1');
const ed = await makeSigner('EdDSA');

describe.each(IMPLS)('local JWKS on $runtime crypto', (impl) => {
  const make = (keys: unknown[], algorithms: Algorithm[] = ['ES256', 'RS256', 'EdDSA']) =>
    createJwtVerifier(
      {
        algorithms,
        issuer: ISSUER,
        audience: AUDIENCE,
        jwks: { keys: keys as JWK[] },
        cache: false,
      },
      impl,
    );
  const code = (p: Promise<unknown>) =>
    p.then(
      () => 'OK',
      (e: { code: string }) => e.code,
    );

  it('selects the key by kid among keys of several types', async () => {
    const v = make([es1.publicJwk, es2.publicJwk, rs.publicJwk]);
    expect(await code(v.verify(await es1.sign(), ctx()))).toBe('OK');
    expect(await code(v.verify(await es2.sign(), ctx()))).toBe('OK');
    expect(await code(v.verify(await rs.sign(), ctx()))).toBe('OK');
    expect(await code(v.verify(await es1.sign(undefined, { kid: 'nope' }), ctx()))).toBe(
      C.JWT_NO_MATCHING_KEY,
    );
    // es-1's kid with es-2's signature.
    expect(await code(v.verify(await es2.sign(undefined, { kid: 'es-1' }), ctx()))).toBe(
      C.JWT_SIGNATURE_INVALID,
    );
  });

  it('without a kid uses the only key that fits the alg, and refuses ambiguity', async () => {
    const one = make([es1.publicJwk, rs.publicJwk]);
    const noKid = await es1.sign(undefined, { kid: undefined });
    expect(await code(one.verify(noKid, ctx()))).toBe('OK');
    const two = make([es1.publicJwk, es2.publicJwk]);
    expect(await code(two.verify(noKid, ctx()))).toBe(C.JWT_NO_MATCHING_KEY);
    const edOnly = make([ed.publicJwk]);
    expect(await code(edOnly.verify(await ed.sign(), ctx()))).toBe('OK');
  });

  it('uses a key only with the algorithms its type and its own alg allow', async () => {
    const v = make([{ ...es1.publicJwk, alg: 'ES384' }, es2.publicJwk], ['ES256', 'ES384']);
    expect(await code(v.verify(await es1.sign(), ctx()))).toBe(C.JWT_NO_MATCHING_KEY);
    expect(await code(v.verify(await es2.sign(), ctx()))).toBe('OK');
    // A token claiming RS256 with an EC key's kid finds no key.
    const rsWithEcKid = await rs.sign(undefined, { kid: 'es-2' });
    expect(await code(make([es2.publicJwk, rs.publicJwk]).verify(rsWithEcKid, ctx()))).toBe(
      C.JWT_NO_MATCHING_KEY,
    );
  });

  it('skips keys marked for encryption, without verify, or unusable', async () => {
    const v = make([
      { ...es1.publicJwk, use: 'enc' },
      { ...es2.publicJwk, key_ops: ['encrypt'] },
      { kty: 'RSA', kid: 'junk', n: 'AQAB', e: 'AQAB' },
      { kty: 'EC', kid: 'bad', crv: 'P-256', x: 1 },
      null,
      'x',
      rs.publicJwk,
    ]);
    expect(await code(v.verify(await es1.sign(), ctx()))).toBe(C.JWT_NO_MATCHING_KEY);
    expect(await code(v.verify(await es2.sign(), ctx()))).toBe(C.JWT_NO_MATCHING_KEY);
    expect(await code(v.verify(await rs.sign(), ctx()))).toBe('OK');
  });

  it('accepts oct keys in a local set for HS algorithms, at the minimum length', async () => {
    const hs = await makeSigner('HS256', 'hs-1');
    const k = b64(hs.privateKey as Uint8Array);
    const v = createJwtVerifier(
      {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        jwks: {
          keys: [
            { kty: 'oct', kid: 'hs-1', k },
            { kty: 'oct', kid: 'short', k: 'c2hvcnQ' },
          ],
        },
      },
      impl,
    );
    expect(await code(v.verify(await hs.sign(), ctx()))).toBe('OK');
    expect(() =>
      createJwtVerifier(
        {
          algorithms: ['HS256'],
          issuer: ISSUER,
          audience: AUDIENCE,
          jwks: { keys: [{ kty: 'oct', k: 'c2hvcnQ' }] },
        },
        impl,
      ),
    ).toThrow(/no key usable/);
  });
});
