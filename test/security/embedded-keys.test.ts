// Embedded keys: `jwk`, `jku`, `x5u` and `x5c` headers ask the verifier to trust a key the token
// brings or points to. Portcullis refuses them, and never fetches what they point to.
import { AuthErrorCodes as C, jwt, type Method } from '@portcullis/core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADAPTERS } from './support/apps.js';
import { useLeakCheck } from './support/collector.js';
import { expectAccepted, expectRejected, scenario } from './support/harness.js';
import { type JwksServer, startJwksServer } from './support/jwks-server.js';
import { forge, rsa } from './support/jws.js';
import { AUDIENCE, claims, ISSUER, type KeyPair, keyPair } from './support/keys.js';

useLeakCheck();

let good: KeyPair;
let evil: KeyPair;
let trusted: JwksServer; // the real key set
let attacker: JwksServer; // where the attacker's headers point
beforeAll(async () => {
  [good, evil] = await Promise.all([keyPair('RS256'), keyPair('RS256')]);
  trusted = await startJwksServer([good.jwk]);
  attacker = await startJwksServer([{ ...evil.jwk, kid: good.kid }]);
});
afterAll(async () => {
  await Promise.all([trusted.close(), attacker.close()]);
});
afterEach(() => {
  vi.restoreAllMocks();
});

const base = { algorithms: ['RS256'] as const, issuer: ISSUER, audience: AUDIENCE };
const VERIFIERS: [string, () => Method][] = [
  ['a public key', () => jwt({ ...base, algorithms: ['RS256'], publicKey: good.pem })],
  ['a local JWKS', () => jwt({ ...base, algorithms: ['RS256'], jwks: { keys: [good.jwk] } })],
  ['a remote JWKS', () => jwt({ ...base, algorithms: ['RS256'], jwks: trusted.url })],
];

/** The attacker's headers, each pointing at a key the attacker controls. */
function embedded(): [string, Record<string, unknown>][] {
  const der = evil.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  return [
    ['jwk', { jwk: evil.jwk }],
    ['jwk without kid', { jwk: { ...evil.jwk, kid: undefined } }],
    ['jku', { jku: attacker.urlFor('/jku.json') }],
    ['x5u', { x5u: attacker.urlFor('/x5u.pem') }],
    ['x5c', { x5c: [der] }],
    ['jku and jwk', { jku: attacker.urlFor('/both.json'), jwk: evil.jwk }],
  ];
}

describe.each(ADAPTERS)('%s: embedded and remote keys in the header', (adapter) => {
  describe.each(VERIFIERS)('verifier with %s', (_, make) => {
    it('accepts an honest token (control)', async () => {
      const app = await scenario(adapter, { methods: [make()] });
      const token = forge({
        header: { alg: 'RS256', kid: good.kid },
        payload: claims(),
        signer: rsa(good.privateKey),
      });
      expectAccepted(await app.bearer(token));
    });

    it('refuses every embedded-key header, signed by the attacker, and fetches nothing', async () => {
      const fetchSpy = vi.spyOn(globalThis, 'fetch');
      const app = await scenario(adapter, { methods: [make()] });
      const before = attacker.hits;
      for (const [, extra] of embedded()) {
        const header = { alg: 'RS256', kid: good.kid, ...extra };
        const token = forge({ header, payload: claims(), signer: rsa(evil.privateKey) });
        expectRejected(await app.bearer(token), 401, [
          C.JWT_HEADER_UNSUPPORTED,
          C.JWT_SIGNATURE_INVALID,
        ]);
      }
      expect(attacker.hits - before).toBe(0);
      for (const [input] of fetchSpy.mock.calls) {
        expect(String(input instanceof Request ? input.url : input)).toBe(trusted.url);
      }
    });

    it('refuses an embedded-key header even on a token the real key signed', async () => {
      const app = await scenario(adapter, { methods: [make()] });
      const before = attacker.hits;
      for (const [, extra] of embedded()) {
        const header = { alg: 'RS256', kid: good.kid, ...extra };
        const token = forge({ header, payload: claims(), signer: rsa(good.privateKey) });
        expectRejected(await app.bearer(token), 401, [C.JWT_HEADER_UNSUPPORTED]);
      }
      expect(attacker.hits - before).toBe(0);
    });
  });

  it('never calls fetch at all when the keys are local', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const app = await scenario(adapter, { methods: [VERIFIERS[1]![1]()] });
    for (const [, extra] of embedded()) {
      const token = forge({
        header: { alg: 'RS256', ...extra },
        payload: claims(),
        signer: rsa(evil.privateKey),
      });
      expectRejected(await app.bearer(token), 401);
    }
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});
