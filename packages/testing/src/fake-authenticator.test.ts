import { AuthError, isAuthError } from '@portcullis/core';
import { describe, expect, it } from 'vitest';
import { fakeAuthenticator } from './fake-authenticator.js';
import { testPrincipal } from './principal.js';

const anyRequest = { header: () => undefined };

describe('testPrincipal', () => {
  it('makes API key and JWT principals with defaults', () => {
    expect(testPrincipal()).toEqual({
      method: 'api_key',
      subject: 'test-subject',
      scopes: [],
      keyId: 'test-key',
    });
    expect(testPrincipal({ method: 'jwt', subject: 'a', scopes: ['x', 'y'], tenant: 't' })).toEqual(
      {
        method: 'jwt',
        subject: 'a',
        scopes: ['x', 'y'],
        tenant: 't',
        claims: { sub: 'a', scope: 'x y' },
      },
    );
  });

  it("names a JWT principal's client, as the verifier does from client_id", () => {
    expect(testPrincipal({ method: 'jwt', subject: 'svc', client: 'svc' })).toEqual({
      method: 'jwt',
      subject: 'svc',
      scopes: [],
      client: 'svc',
      claims: { sub: 'svc', scope: '', client_id: 'svc' },
    });
    expect(testPrincipal({ client: 'svc' })).not.toHaveProperty('client');
  });

  it('refuses an unknown method', () => {
    // @ts-expect-error: not a method
    expect(() => testPrincipal({ method: 'magic' })).toThrow(TypeError);
  });
});

describe('fakeAuthenticator', () => {
  it('answers every request with the principal', async () => {
    const principal = testPrincipal({ scopes: ['a'] });
    await expect(fakeAuthenticator(principal).authenticate(anyRequest)).resolves.toBe(principal);
  });

  it('with null: 401 with a bare challenge, or no principal when optional', async () => {
    const fake = fakeAuthenticator(null, { realm: 'billing' });
    const err = await fake.authenticate(anyRequest).catch((e: unknown) => e);
    expect(isAuthError(err)).toBe(true);
    expect(err).toMatchObject({ status: 401, code: 'ERR_NO_CREDENTIALS' });
    expect((err as AuthError).headers['www-authenticate']).toBe('Bearer realm="billing"');
    await expect(fake.authenticate(anyRequest, { optional: true })).resolves.toBeNull();
  });

  it('with a function: decides per request, and may throw an AuthError', async () => {
    const fake = fakeAuthenticator((request) => {
      if (request.header('x-who') === 'bad') {
        throw new AuthError({
          status: 401,
          error: 'invalid_token',
          code: 'ERR_JWT_EXPIRED',
          description: 'x',
        });
      }
      return testPrincipal({ subject: String(request.header('x-who')) });
    });
    const req = (who: string) => ({ header: (n: string) => (n === 'x-who' ? who : undefined) });
    await expect(fake.authenticate(req('alice'))).resolves.toMatchObject({ subject: 'alice' });
    await expect(fake.authenticate(req('bad'))).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
  });

  it('refuses something that is not a principal', () => {
    // @ts-expect-error: not a principal
    expect(() => fakeAuthenticator({ scopes: [] })).toThrow(TypeError);
  });
});
