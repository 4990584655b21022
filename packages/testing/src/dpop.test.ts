import { createHash } from 'node:crypto';
import {
  calculateJwkThumbprint,
  compactVerify,
  decodeJwt,
  decodeProtectedHeader,
  EmbeddedJWK,
  errors,
  importJWK,
  type JWK,
  jwtVerify,
} from 'jose';
import { describe, expect, it } from 'vitest';
import {
  createDpopKey,
  DPOP_BROKEN_KINDS,
  type DpopAlgorithm,
  type DpopBrokenKind,
  type DpopKey,
} from './dpop.js';
import { createTestIssuer } from './test-issuer.js';

const NOW = Date.UTC(2030, 0, 1) / 1000;
const frozen = () => NOW * 1000;
const URL_ = 'https://api.test/billing/invoices';
const TOKEN = 'header.payload.signature';
const ALGORITHMS: DpopAlgorithm[] = ['ES256', 'EdDSA', 'RS256', 'PS256'];

// RFC 7638 §3.1, written out independently of jose: the required members in lexicographic
// order, no whitespace, SHA-256, base64url.
const REQUIRED: Record<string, string[]> = {
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  RSA: ['e', 'kty', 'n'],
};
function referenceThumbprint(jwk: JWK): string {
  const members = REQUIRED[jwk.kty as string] as string[];
  const value = (member: string) => (jwk as Record<string, unknown>)[member];
  const json = `{${members.map((m) => `"${m}":"${value(m)}"`).join(',')}}`;
  return createHash('sha256').update(json).digest('base64url');
}
const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

// RFC 7638 §3.1
const RFC_7638_JWK: JWK = {
  kty: 'RSA',
  n:
    '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJEC' +
    'PebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2Qvzq' +
    'Y368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0' +
    'fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
  e: 'AQAB',
  alg: 'RS256',
  kid: '2011-04-29',
};

function verifyProof(key: DpopKey, proof: string) {
  return jwtVerify(proof, EmbeddedJWK, {
    typ: 'dpop+jwt',
    algorithms: [key.algorithm],
    currentDate: new Date(NOW * 1000),
  });
}

/** Whether `proof`'s signature verifies with `key`'s public JWK (the header notwithstanding). */
async function signedByKey(key: DpopKey, proof: string): Promise<boolean> {
  const publicKey = await importJWK(key.publicJwk, key.algorithm);
  return compactVerify(proof, publicKey).then(
    () => true,
    () => false,
  );
}

describe('createDpopKey', () => {
  it('computes RFC 7638 thumbprints: the §3.1 example', async () => {
    expect(referenceThumbprint(RFC_7638_JWK)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
    expect(await calculateJwkThumbprint(RFC_7638_JWK, 'sha256')).toBe(
      'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
    );
  });

  it.each(ALGORITHMS)('makes a %s key with a public JWK and its thumbprint', async (algorithm) => {
    const key = await createDpopKey({ algorithm });
    expect(key.algorithm).toBe(algorithm);
    expect(key.thumbprint).toBe(referenceThumbprint(key.publicJwk));
    expect(key.thumbprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) {
      expect(key.publicJwk).not.toHaveProperty(member);
    }
    expect(Object.isFrozen(key.publicJwk)).toBe(true);
  });

  it('defaults to ES256 and makes a fresh key on every call', async () => {
    const [a, b] = await Promise.all([createDpopKey(), createDpopKey()]);
    expect(a.algorithm).toBe('ES256');
    expect(a.publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256' });
    expect(a.thumbprint).not.toBe(b.thumbprint);
  });

  it('refuses unknown options and algorithms', async () => {
    await expect(createDpopKey({ algorithm: 'HS256' as DpopAlgorithm })).rejects.toThrow(
      /`algorithm` must be one of ES256, EdDSA, RS256, PS256/,
    );
    await expect(createDpopKey({ algoritm: 'ES256' } as never)).rejects.toThrow(
      /did you mean `algorithm`/,
    );
    await expect(createDpopKey({ now: 5 as never })).rejects.toThrow(TypeError);
  });
});

describe('DpopKey.proof', () => {
  it.each(ALGORITHMS)('signs a %s proof that verifies with its embedded JWK', async (algorithm) => {
    const key = await createDpopKey({ algorithm, now: frozen });
    const proof = await key.proof({ method: 'GET', url: URL_ });
    const { payload, protectedHeader } = await verifyProof(key, proof);
    expect(protectedHeader).toEqual({ typ: 'dpop+jwt', alg: algorithm, jwk: key.publicJwk });
    expect(await calculateJwkThumbprint(protectedHeader.jwk as JWK)).toBe(key.thumbprint);
    expect(payload).toEqual({ jti: expect.any(String), htm: 'GET', htu: URL_, iat: NOW });
  });

  it('strips the query and fragment from htu, and takes a URL object', async () => {
    const key = await createDpopKey({ now: frozen });
    for (const url of [`${URL_}?page=2&sort=desc#top`, new URL(`${URL_}?page=2`), `${URL_}#x`]) {
      expect(decodeJwt(await key.proof({ method: 'POST', url })).htu).toBe(URL_);
    }
    expect(decodeJwt(await key.proof({ method: 'GET', url: 'https://api.test' })).htu).toBe(
      'https://api.test/',
    );
  });

  it('adds ath (base64url SHA-256 of the token) and nonce when given', async () => {
    const key = await createDpopKey({ now: frozen });
    const proof = await key.proof({ method: 'GET', url: URL_, token: TOKEN, nonce: 'n-1' });
    const { payload } = await verifyProof(key, proof);
    expect(payload).toMatchObject({ ath: sha256(TOKEN), nonce: 'n-1' });
    // RFC 9449 §7.1's example access token and its ath
    const example = await key.proof({
      method: 'GET',
      url: URL_,
      token: 'Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU',
    });
    expect(decodeJwt(example).ath).toBe('fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo');
  });

  it('has no ath or nonce unless given, a fresh jti each time, and takes iat and jti', async () => {
    const key = await createDpopKey({ now: frozen });
    const a = decodeJwt(await key.proof({ method: 'GET', url: URL_ }));
    const b = decodeJwt(await key.proof({ method: 'GET', url: URL_ }));
    expect(a).not.toHaveProperty('ath');
    expect(a).not.toHaveProperty('nonce');
    expect(a.jti).not.toBe(b.jti);
    const c = decodeJwt(await key.proof({ method: 'GET', url: URL_, iat: 1234, jti: 'proof-1' }));
    expect(c).toMatchObject({ iat: 1234, jti: 'proof-1' });
  });

  it('uses the real clock by default', async () => {
    const key = await createDpopKey();
    const { iat } = decodeJwt(await key.proof({ method: 'GET', url: URL_ }));
    expect(Math.abs((iat as number) - Date.now() / 1000)).toBeLessThan(5);
  });

  it('refuses bad options', async () => {
    const key = await createDpopKey();
    const bad = (options: object) => key.proof(options as never);
    await expect(bad({ method: 'GET', url: '/relative' })).rejects.toThrow(/absolute URL/);
    await expect(bad({ method: '', url: URL_ })).rejects.toThrow(/`method`/);
    await expect(bad({ method: 'GET', url: URL_, token: '' })).rejects.toThrow(/`token`/);
    await expect(bad({ method: 'GET', url: URL_, iat: Number.NaN })).rejects.toThrow(/`iat`/);
    await expect(bad({ method: 'GET', url: URL_, methd: 'GET' })).rejects.toThrow(
      /did you mean `method`/,
    );
    await expect(bad({ method: 'GET', url: URL_, broken: 'replayed' })).rejects.toThrow(
      /`broken` must be one of wrong-htm/,
    );
    await expect(bad({ method: 'GET', url: URL_, broken: 'no-ath' })).rejects.toThrow(
      /needs the `token`/,
    );
    await expect(bad({ method: 'GET', url: URL_, broken: 'wrong-ath' })).rejects.toThrow(
      /needs the `token`/,
    );
  });
});

describe('broken proofs', () => {
  const options = { method: 'GET', url: URL_, token: TOKEN, jti: 'proof-1', iat: NOW };

  // What each kind changes in the header and the claims of the same proof made unbroken; `signed`
  // is whether the signature still verifies with the key's public JWK.
  const EXPECTED: Record<
    DpopBrokenKind,
    { header?: object; payload?: object; signed: boolean; without?: string[] }
  > = {
    'wrong-htm': { payload: { htm: 'POST' }, signed: true },
    'wrong-htu': { payload: { htu: 'https://api.test/wrong/billing/invoices' }, signed: true },
    'stale-iat': { payload: { iat: NOW - 3600 }, signed: true },
    'future-iat': { payload: { iat: NOW + 3600 }, signed: true },
    'no-jti': { without: ['jti'], signed: true },
    'wrong-ath': { payload: { ath: sha256(`${TOKEN}.wrong`) }, signed: true },
    'no-ath': { without: ['ath'], signed: true },
    'other-key': { signed: false },
    'private-jwk': { signed: true }, // header checked below
    hs256: { signed: false }, // header checked below
    'alg-none': { header: { alg: 'none' }, signed: false },
    'wrong-typ': { header: { typ: 'JWT' }, signed: true },
    'no-jwk': { without: ['jwk'], signed: true },
    'bad-signature': { signed: false },
  };

  it('lists every kind', () => {
    expect([...DPOP_BROKEN_KINDS].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(DPOP_BROKEN_KINDS)('%s changes exactly what it says', async (broken) => {
    const key = await createDpopKey();
    const good = await key.proof(options);
    const bad = await key.proof({ ...options, broken });
    const expected = EXPECTED[broken];
    const drop = (value: object) => {
      const copy: Record<string, unknown> = { ...value };
      for (const name of expected.without ?? []) delete copy[name];
      return copy;
    };
    const header = decodeProtectedHeader(bad);
    if (broken === 'private-jwk') {
      expect(header.jwk).toMatchObject({ ...key.publicJwk, d: expect.any(String) });
      expect(header.jwk).not.toEqual(key.publicJwk);
      expect({ ...header, jwk: undefined }).toEqual({
        ...decodeProtectedHeader(good),
        jwk: undefined,
      });
    } else if (broken === 'hs256') {
      expect(header).toEqual({
        typ: 'dpop+jwt',
        alg: 'HS256',
        jwk: { kty: 'oct', k: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) },
      });
    } else {
      expect(header).toEqual(drop({ ...decodeProtectedHeader(good), ...expected.header }));
    }
    expect(decodeJwt(bad)).toEqual(drop({ ...decodeJwt(good), ...expected.payload }));
    expect(await signedByKey(key, bad)).toBe(expected.signed);
    if (broken === 'bad-signature' || broken === 'other-key') {
      expect(bad.split('.').slice(0, 2)).toEqual(good.split('.').slice(0, 2));
    }
    if (broken === 'alg-none') expect(bad.split('.')[2]).toBe('');
    // Whatever the kind, a verifier using the proof's own key refuses it or its claims differ.
    const verified = await verifyProof(key, bad).then(
      (result) => result,
      () => undefined,
    );
    if (verified) expect(verified.payload).not.toEqual(decodeJwt(good));
  });

  it('hs256 is signed with the symmetric key in its header', async () => {
    const key = await createDpopKey();
    const bad = await key.proof({ ...options, broken: 'hs256' });
    const secret = await importJWK(decodeProtectedHeader(bad).jwk as JWK, 'HS256');
    await expect(compactVerify(bad, secret)).resolves.toBeTruthy();
    await expect(
      jwtVerify(bad, EmbeddedJWK, { algorithms: ['HS256'], currentDate: new Date(NOW * 1000) }),
    ).rejects.toThrow(errors.JWSInvalid);
  });

  it('private-jwk is refused by an embedded-JWK verifier for its private members', async () => {
    const key = await createDpopKey({ algorithm: 'RS256' });
    const bad = await key.proof({ ...options, broken: 'private-jwk' });
    await expect(verifyProof(key, bad)).rejects.toThrow(/must be a public key/);
  });

  it('other-key is signed by one same other key, not by the key in the header', async () => {
    const key = await createDpopKey({ algorithm: 'EdDSA' });
    const a = await key.proof({ ...options, broken: 'other-key' });
    await expect(verifyProof(key, a)).rejects.toThrow(errors.JWSSignatureVerificationFailed);
    expect(decodeProtectedHeader(a).jwk).toEqual(key.publicJwk);
  });

  it('wrong-typ fails a typ check', async () => {
    const key = await createDpopKey();
    const wrongTyp = await key.proof({ ...options, broken: 'wrong-typ' });
    await expect(verifyProof(key, wrongTyp)).rejects.toThrow(errors.JWTClaimValidationFailed);
  });

  it('wrong-htm picks another method for POST', async () => {
    const key = await createDpopKey();
    const bad = await key.proof({ ...options, method: 'POST', broken: 'wrong-htm' });
    expect(decodeJwt(bad).htm).toBe('GET');
  });

  it('stale-iat and future-iat count from the given iat or the clock', async () => {
    const key = await createDpopKey({ now: frozen });
    const stale = await key.proof({ method: 'GET', url: URL_, broken: 'stale-iat' });
    expect(decodeJwt(stale).iat).toBe(NOW - 3600);
    const future = await key.proof({ method: 'GET', url: URL_, iat: 100, broken: 'future-iat' });
    expect(decodeJwt(future).iat).toBe(3700);
  });
});

describe('issuer.sign({ dpop })', () => {
  it('binds the token to the key: cnf.jkt is its thumbprint', async () => {
    const issuer = await createTestIssuer();
    const key = await createDpopKey();
    const token = await issuer.sign({}, { dpop: key });
    expect(decodeJwt(token).cnf).toEqual({ jkt: key.thumbprint });
    expect(decodeJwt(await issuer.sign())).not.toHaveProperty('cnf');
  });

  it('keeps other cnf members and refuses what is not a key', async () => {
    const issuer = await createTestIssuer();
    const key = await createDpopKey();
    const token = await issuer.sign({ cnf: { 'x5t#S256': 'abc' } }, { dpop: key });
    expect(decodeJwt(token).cnf).toEqual({ 'x5t#S256': 'abc', jkt: key.thumbprint });
    await expect(issuer.sign({}, { dpop: {} as DpopKey })).rejects.toThrow(
      /`dpop` must be a key from createDpopKey\(\)/,
    );
  });

  it('makes a token and proof pair that a DPoP verifier would accept', async () => {
    const issuer = await createTestIssuer({ now: frozen });
    const key = await createDpopKey({ now: frozen });
    const token = await issuer.sign({}, { dpop: key });
    const proof = await key.proof({ method: 'GET', url: `${URL_}?page=2`, token });
    const { payload, protectedHeader } = await verifyProof(key, proof);
    expect(await calculateJwkThumbprint(protectedHeader.jwk as JWK)).toBe(
      (decodeJwt(token).cnf as { jkt: string }).jkt,
    );
    expect(payload).toMatchObject({ htm: 'GET', htu: URL_, ath: sha256(token), iat: NOW });
  });
});
