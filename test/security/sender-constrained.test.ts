// A sender-constrained token (one with a `cnf` claim: `cnf.jkt` from DPoP, `cnf.x5t#S256` from
// mTLS) is bound to a key its holder must prove; presented as a plain bearer token it proves
// nothing, so it is refused: 401 `invalid_token` (RFC 9449 §7.2), whatever signed it.
import { AuthErrorCodes as C, jwt } from '@portcullis/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { TARGETS } from './support/apps.js';
import { useLeakCheck } from './support/collector.js';
import { expectAccepted, expectRejected, scenario } from './support/harness.js';
import { forge, hmac } from './support/jws.js';
import { AUDIENCE, claims, hmacSecret, ISSUER } from './support/keys.js';

useLeakCheck();

let secret: string;
beforeAll(() => {
  secret = hmacSecret();
});

const CONFIRMATIONS: [string, unknown][] = [
  ['cnf.jkt (DPoP)', { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' }],
  ['cnf.x5t#S256 (mTLS)', { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' }],
  ['cnf.jwk', { jwk: { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' } }],
  ['an empty cnf', {}],
  ['cnf: null', null],
];

describe.each(TARGETS)('%s: sender-constrained tokens as bearer tokens', (adapter) => {
  it.each(CONFIRMATIONS)('refuses a token with %s', async (_, cnf) => {
    const a = await scenario(adapter, {
      methods: [jwt({ algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, secret })],
    });
    const token = forge({
      header: { alg: 'HS256' },
      payload: claims(undefined, { cnf, scope: 'read admin' }),
      signer: hmac(secret),
    });
    for (const path of ['/private', '/private', '/admin', '/optional']) {
      const answer = await a.bearer(token, path);
      expectRejected(answer, 401, [C.JWT_SENDER_CONSTRAINED]);
      expect(answer.headers['www-authenticate']).toContain('error="invalid_token"');
      expect(answer.events.at(-1)?.reason).toBe('sender_constrained');
    }
    // The same claims without `cnf` are an ordinary bearer token.
    const plain = forge({ header: { alg: 'HS256' }, payload: claims(), signer: hmac(secret) });
    expectAccepted(await a.bearer(plain));
  });
});
