import { describe, expect, it } from 'vitest';
import { adapterOptions, recallAuth, rememberAuth } from './adapter.js';
import { createAuthenticator } from './authenticator.js';
import { fakeMethod } from './test-helpers/fake-method.js';

const authenticator = createAuthenticator({ methods: [fakeMethod()] });

describe('adapterOptions', () => {
  it('settles the defaults', () => {
    expect(adapterOptions(authenticator, {}, 'respond')).toEqual({
      optional: false,
      errors: 'respond',
    });
    expect(adapterOptions(authenticator, { optional: true, errors: 'throw' }, 'respond')).toEqual({
      optional: true,
      errors: 'throw',
    });
  });

  it('refuses mistakes with TypeError at construction', () => {
    expect(() => adapterOptions({} as never, {}, 'respond')).toThrow(/createAuthenticator/);
    expect(() => adapterOptions(undefined as never, {}, 'respond')).toThrow(TypeError);
    expect(() => adapterOptions(authenticator, null as never, 'respond')).toThrow(TypeError);
    expect(() => adapterOptions(authenticator, { errors: 'next' as never }, 'respond')).toThrow(
      /'respond' or 'throw'/,
    );
    expect(() => adapterOptions(authenticator, { optional: 'yes' as never }, 'respond')).toThrow(
      /optional/,
    );
  });
});

describe('rememberAuth / recallAuth', () => {
  it('returns what was recorded for that request only', () => {
    const request = {};
    const auth = { principal: null, realm: 'api', errors: 'respond' as const };
    rememberAuth(request, auth);
    expect(recallAuth(request)).toBe(auth);
    expect(recallAuth({})).toBeUndefined();
  });
});
