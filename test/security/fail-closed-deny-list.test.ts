// A deny-list (or `isRevoked` hook) that cannot answer fails closed: 503, never "not revoked",
// never 401, with nothing of the failure in the answer; the next request after recovery works.
import {
  AuthErrorCodes as C,
  type DenyList,
  type JwtOptions,
  jwt,
  memoryDenyList,
} from '@portcullis/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, type AdapterName } from './support/apps.js';
import { useLeakCheck } from './support/collector.js';
import { expectAccepted, expectRejected, scenario } from './support/harness.js';
import { forge, hmac } from './support/jws.js';
import { AUDIENCE, claims, hmacSecret, ISSUER, marker } from './support/keys.js';

useLeakCheck();

let secret: string;
beforeAll(() => {
  secret = hmacSecret();
});

const storeError = () => new Error(`redis: NOAUTH ${marker('redispass')}`);

/** A deny-list whose answer can be switched to a failure. */
function flaky() {
  const real = memoryDenyList();
  const state: { fail: ((jti: string) => unknown) | undefined; calls: number } = {
    fail: undefined,
    calls: 0,
  };
  const list: DenyList = {
    revoke: (jti, exp) => real.revoke(jti, exp),
    isRevoked(jti) {
      state.calls++;
      if (state.fail !== undefined) return state.fail(jti) as boolean;
      return real.isRevoked(jti);
    },
  };
  return { list, state };
}

const FAILURES: [string, () => unknown][] = [
  [
    'throws',
    () => {
      throw storeError();
    },
  ],
  ['rejects', () => Promise.reject(storeError())],
  ['answers undefined', () => undefined],
  ['answers a string', () => 'no'],
  ['answers 0', () => 0],
  ['answers a promise of null', () => Promise.resolve(null)],
];

const app = (adapter: AdapterName, extra: Partial<JwtOptions>) =>
  scenario(adapter, {
    methods: [jwt({ algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, secret, ...extra })],
  });
const sign = () => forge({ header: { alg: 'HS256' }, payload: claims(), signer: hmac(secret) });

describe.each(ADAPTERS)('%s: deny-list failures fail closed', (adapter) => {
  it.each(FAILURES)('deny-list isRevoked %s → 503, then recovers', async (_, fail) => {
    const { list, state } = flaky();
    const a = await app(adapter, { denyList: list });
    const token = sign();
    expectAccepted(await a.bearer(token)); // now in the verification cache
    state.fail = fail;
    const fresh = sign();
    for (const t of [token, fresh]) {
      for (const path of ['/private', '/admin', '/optional']) {
        const answer = await a.bearer(t, path);
        expectRejected(answer, 503, [C.DENY_LIST_FAILED]);
        expect(answer.headers['retry-after']).toMatch(/^\d+$/);
      }
    }
    state.fail = undefined;
    expectAccepted(await a.bearer(token));
    expectAccepted(await a.bearer(fresh));
  });

  it.each(FAILURES)('isRevoked hook %s → 503, then recovers', async (_, fail) => {
    let failing = true;
    const a = await app(adapter, {
      isRevoked: (jti) => (failing ? (fail() as boolean) : jti === 'revoked'),
    });
    const token = sign();
    expectRejected(await a.bearer(token), 503, [C.DENY_LIST_FAILED]);
    failing = false;
    expectAccepted(await a.bearer(token));
  });

  it('a revoked token stays revoked while the hook after the deny-list fails', async () => {
    const denyList = memoryDenyList();
    const payload = claims();
    const token = forge({ header: { alg: 'HS256' }, payload, signer: hmac(secret) });
    await denyList.revoke(payload['jti'] as string, payload['exp'] as number);
    const a = await app(adapter, {
      denyList,
      isRevoked: () => {
        throw storeError();
      },
    });
    const answer = await a.bearer(token);
    // Either answer is closed: revoked (the deny-list said so) or unavailable.
    expectRejected(answer, [401, 503], [C.JWT_REVOKED, C.DENY_LIST_FAILED]);
  });

  it('a deny-list or hook that hangs answers 503 after revocationTimeout, then recovers', async () => {
    let hanging = true;
    const hang = (jti: string) => (hanging ? new Promise<boolean>(() => {}) : jti === 'x');
    for (const extra of [
      { denyList: { revoke() {}, isRevoked: hang } },
      { isRevoked: hang },
    ] as Partial<JwtOptions>[]) {
      hanging = true;
      const a = await app(adapter, { ...extra, revocationTimeout: 25 });
      const token = sign();
      expectRejected(await a.bearer(token), 503, [C.DENY_LIST_FAILED]);
      hanging = false;
      expectAccepted(await a.bearer(token));
    }
  });
});
