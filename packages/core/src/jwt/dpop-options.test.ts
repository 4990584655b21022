import { describe, expect, it } from 'vitest';
import * as node from '../crypto/node.js';
import { memoryReplayStore } from '../replay/memory.js';
import { DPOP_ALGORITHMS, resolveDpopOptions } from './dpop-options.js';

const ORIGIN = 'https://api.example.com';
const resolve = (options: unknown) => resolveDpopOptions('jwt()', options);
const secret = new Uint8Array(32).fill(1);

describe('resolveDpopOptions', () => {
  it('fills in the defaults', () => {
    const config = resolve({ origin: ORIGIN });
    expect(config).toMatchObject({
      required: false,
      origin: ORIGIN,
      maxAge: 300,
      tolerance: 5,
      algorithms: ['ES256', 'EdDSA', 'RS256', 'PS256'],
      nonce: undefined,
    });
    expect(config.algorithms).toBe(DPOP_ALGORITHMS);
    expect(typeof config.replay.claim).toBe('function');
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(DPOP_ALGORITHMS)).toBe(true);
    expect(config.impl).toMatchObject({ runtime: 'node' });
  });

  it('keeps what is given', () => {
    const replay = memoryReplayStore();
    const config = resolveDpopOptions(
      'jwt()',
      {
        origin: ORIGIN,
        required: true,
        replay,
        maxAge: 60,
        algorithms: ['ES256', 'ES256', 'PS384', 'Ed25519'],
        nonce: { secret, lifetime: 30 },
      },
      node,
    );
    expect(config).toMatchObject({ required: true, replay, maxAge: 60, impl: node });
    expect(config.algorithms).toEqual(['ES256', 'PS384', 'Ed25519']);
    expect(config.nonce?.checkNonce(config.nonce.issueNonce(1_000), 1_000)).toBe(true);
  });

  it.each([
    ['https://api.example.com', 'https://api.example.com'],
    ['https://api.example.com/', 'https://api.example.com'],
    ['HTTPS://API.Example.com:443', 'https://api.example.com'],
    ['https://api.example.com:8443', 'https://api.example.com:8443'],
    ['http://localhost:3000', 'http://localhost:3000'],
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080'],
    ['http://[::1]:8080', 'http://[::1]:8080'],
  ])('takes the origin %s as %s', (origin, expected) => {
    expect(resolve({ origin }).origin).toBe(expected);
  });

  it.each([
    ['no origin', undefined],
    ['an empty origin', ''],
    ['a relative one', '/api'],
    ['a plain http one', 'http://api.example.com'],
    ['one with a path', 'https://api.example.com/v1'],
    ['one with a query', 'https://api.example.com?x=1'],
    ['one with an empty query', 'https://api.example.com/?'],
    ['one with a fragment', 'https://api.example.com#top'],
    ['one with user info', 'https://user:pass@api.example.com'],
    ['one with a space', 'https://api.example.com /'],
    ['another scheme', 'wss://api.example.com'],
    ['a URL object', new URL('https://api.example.com')],
  ])('refuses %s', (_, origin) => {
    expect(() => resolve({ origin })).toThrow(
      /^jwt\(\): `dpop.origin` must be an absolute https: origin/,
    );
  });

  it.each([
    [['HS256'], /asymmetric algorithms only.*HS256 is HMAC/],
    [['ES256', 'HS512'], /HS512 is HMAC/],
    [['none'], /`none` is never accepted/],
    [['NONE'], /`none` is never accepted/],
    [['ES257'], /unknown algorithm in `dpop.algorithms`; use RS256, .*EdDSA/],
    [[7], /unknown algorithm/],
    [[], /non-empty array/],
    ['ES256', /non-empty array/],
  ])('refuses the algorithms %j', (algorithms, message) => {
    expect(() => resolve({ origin: ORIGIN, algorithms })).toThrow(message);
  });

  it.each([0, 0.5, -1, 3601, Number.NaN, Number.POSITIVE_INFINITY, '300'])(
    'refuses maxAge %s',
    (maxAge) => {
      expect(() => resolve({ origin: ORIGIN, maxAge })).toThrow(/`dpop.maxAge` must be/);
    },
  );

  it('refuses a required that is not a boolean, and a replay store without claim()', () => {
    expect(() => resolve({ origin: ORIGIN, required: 'yes' })).toThrow(/`dpop.required`/);
    expect(() => resolve({ origin: ORIGIN, replay: {} })).toThrow(/`dpop.replay` must have/);
    expect(() => resolve({ origin: ORIGIN, replay: null })).toThrow(/`dpop.replay` must have/);
  });

  it.each([
    [{ secret: new Uint8Array(31) }, /at least 32 random bytes/],
    [{ secret: 'a'.repeat(64) }, /at least 32 random bytes/],
    [{}, /at least 32 random bytes/],
    [{ secret, lifetime: 0 }, /whole seconds from 1 to 86,400/],
    [{ secret, lifetime: 1.5 }, /whole seconds/],
    [{ secret, lifetime: 86_401 }, /whole seconds/],
    [
      { secret, lifeTime: 60 },
      /unknown option `dpop.nonce.lifeTime`; did you mean `dpop.nonce.lifetime`/,
    ],
    ['secret', /`dpop.nonce` must be an object/],
  ])('refuses the nonce options %j', (nonce, message) => {
    expect(() => resolve({ origin: ORIGIN, nonce })).toThrow(message);
  });

  it('refuses what is not an options object, and unknown keys with a suggestion', () => {
    expect(() => resolve('https://api.example.com')).toThrow(/`dpop` must be an object/);
    expect(() => resolve(null)).toThrow(/`dpop` must be an object/);
    expect(() => resolve({ origin: ORIGIN, maxage: 60 })).toThrow(
      /^jwt\(\): unknown option `dpop.maxage`; did you mean `dpop.maxAge`\?/,
    );
    expect(() => resolve({ origin: ORIGIN, algorithms: ['ES256'], alg: 1 })).toThrow(TypeError);
  });

  it('names the factory it is told', () => {
    expect(() => resolveDpopOptions('issuerRouter()', { origin: 'x' })).toThrow(
      /^issuerRouter\(\): /,
    );
  });
});
