// An empty `jti` is no `jti`: with a deny-list or an `isRevoked` hook, a token whose `jti` is ""
// (which nobody could ever revoke) is refused as missing its `jti`; without one it verifies, and
// the audit trail names no `jti` for it.
import { AuthErrorCodes as C, type JwtOptions, jwt, memoryDenyList } from '@portcullis/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AdapterName, TARGETS } from './support/apps.js';
import { useLeakCheck } from './support/collector.js';
import { expectAccepted, expectRejected, scenario } from './support/harness.js';
import { forge, hmac } from './support/jws.js';
import { AUDIENCE, claims, hmacSecret, ISSUER } from './support/keys.js';

useLeakCheck();

let secret: string;
beforeAll(() => {
  secret = hmacSecret();
});

const app = (adapter: AdapterName, extra: Partial<JwtOptions> = {}) =>
  scenario(adapter, {
    methods: [jwt({ algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, secret, ...extra })],
  });
const sign = (overrides: Record<string, unknown>) =>
  forge({ header: { alg: 'HS256' }, payload: claims(undefined, overrides), signer: hmac(secret) });

describe.each(TARGETS)('%s: an empty jti', (adapter) => {
  it('is refused as a missing jti when a deny-list or isRevoked hook is configured', async () => {
    const asked: string[] = [];
    for (const extra of [
      { denyList: memoryDenyList() },
      {
        isRevoked: (jti: string) => {
          asked.push(jti);
          return false;
        },
      },
    ]) {
      const a = await app(adapter, extra);
      const token = sign({ jti: '' });
      // Refused every time, so never cached either.
      for (let i = 0; i < 3; i++) {
        const answer = await a.bearer(token);
        expectRejected(answer, 401, [C.JWT_CLAIM_MISSING]);
        expect(answer.events.at(-1)?.reason).toBe('jti');
        expect(answer.events.at(-1)?.jti).toBeUndefined();
      }
      expectAccepted(await a.bearer(sign({ jti: 'a-real-jti' })));
    }
    expect(asked).toEqual(['a-real-jti']);
  });

  it('is absent from the audit trail without revocation', async () => {
    const a = await app(adapter);
    const token = sign({ jti: '' });
    for (let i = 0; i < 3; i++) {
      const answer = await a.bearer(token);
      expectAccepted(answer);
      expect(answer.events.at(-1)).toMatchObject({ outcome: 'success', method: 'jwt' });
      expect(answer.events.at(-1)?.jti).toBeUndefined();
    }
    const expired = await a.bearer(sign({ jti: '', exp: Math.floor(Date.now() / 1000) - 60 }));
    expectRejected(expired, 401, [C.JWT_EXPIRED]);
    expect(expired.events.at(-1)?.jti).toBeUndefined();
  });
});
