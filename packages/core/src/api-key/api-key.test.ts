import { describe, expect, it } from 'vitest';
import type { AuthError } from '../auth-error.js';
import { AuthErrorCodes } from '../error-codes.js';
import { detailOf } from '../lib/detail.js';
import { setupApiKey as setup, T0 } from '../test-helpers/api-key-setup.js';
import { failure } from '../test-helpers/failure.js';
import { generateApiKey } from './generate.js';

/** Replace one body character by another base62 character. */
function typo(key: string): string {
  const i = key.length - 20;
  return key.slice(0, i) + (key[i] === 'a' ? 'b' : 'a') + key.slice(i + 1);
}

describe('apiKey().verify', () => {
  it('turns a known key into a principal, looking up only its hash', async () => {
    const { method, lookup, ctx, issue } = setup();
    const expiresAt = new Date(T0 + 86_400_000);
    const { key, hash } = issue({ id: 'key_9', subject: 'svc-billing', tenant: 'acme', expiresAt });
    const principal = await method.verify(key, ctx);
    expect(principal).toEqual({
      method: 'api_key',
      subject: 'svc-billing',
      scopes: ['read'],
      tenant: 'acme',
      keyId: 'key_9',
      expiresAt,
    });
    expect(lookup).toHaveBeenCalledExactlyOnceWith(hash);
  });

  it('reads expiresAt and revokedAt given as epoch seconds, and null as absent', async () => {
    const { method, ctx, issue, advance } = setup({ cache: false });
    const { key } = issue({ expiresAt: T0 / 1000 + 60, revokedAt: null, tenant: undefined });
    const principal = await method.verify(key, ctx);
    expect(principal.expiresAt).toEqual(new Date(T0 + 60_000));
    expect(principal).not.toHaveProperty('tenant');
    advance(60_000);
    const err = await failure(method.verify(key, ctx));
    expect(detailOf(err)?.reason).toBe('expired');
  });

  it('treats a null tenant (a database NULL) as none', async () => {
    const { method, ctx, issue } = setup();
    const { key } = issue({ tenant: null as unknown as string });
    expect(await method.verify(key, ctx)).not.toHaveProperty('tenant');
  });

  it('gives each request its own principal, and frozen scopes', async () => {
    const { method, ctx, issue } = setup();
    const { key } = issue({ scopes: ['read', 'write'] });
    const first = await method.verify(key, ctx);
    expect(Object.isFrozen(first.scopes)).toBe(true);
    expect(() => (first.scopes as string[]).push('admin')).toThrow(TypeError);
    first.subject = 'someone-else';
    first.scopes = ['admin'];
    const second = await method.verify(key, ctx);
    expect(second).not.toBe(first);
    expect(second.subject).toBe('svc');
    expect(second.scopes).toEqual(['read', 'write']);
  });

  it('is not changed by later changes to the object lookup returned', async () => {
    const { method, ctx, records, issue } = setup();
    const { key, hash } = issue({ scopes: ['read'] });
    await method.verify(key, ctx);
    const stored = records.get(hash) as unknown as { scopes: string[]; subject: string };
    stored.scopes.push('admin');
    stored.subject = 'root';
    const principal = await method.verify(key, ctx);
    expect(principal.scopes).toEqual(['read']);
    expect(principal.subject).toBe('svc');
  });

  describe('cheap checks, before any lookup', () => {
    it('refuses a one-character typo by its checksum', async () => {
      const { method, lookup, ctx, issue } = setup();
      const { key } = issue();
      const err = await failure(method.verify(typo(key), ctx));
      expect(err.code).toBe(AuthErrorCodes.API_KEY_INVALID);
      expect(detailOf(err)).toEqual({ reason: 'bad_checksum' });
      expect(lookup).not.toHaveBeenCalled();
    });

    it.each<[string, string, string]>([
      ['another prefix', `abc_${'A'.repeat(49)}`, 'wrong_prefix'],
      ['a longer prefix', generateApiKey({ prefix: 'pcs_live' }).key, 'wrong_prefix'],
      ['no prefix', 'A'.repeat(50), 'wrong_prefix'],
      ['a short body', 'pcs_abc', 'malformed'],
      ['a non-base62 body', `pcs_${'-'.repeat(49)}`, 'malformed'],
      ['an over-long key', `pcs_${'A'.repeat(300)}`, 'malformed'],
      ['an empty key', '', 'malformed'],
    ])('refuses %s', async (_, value, reason) => {
      const { method, lookup, ctx } = setup();
      const err = await failure(method.verify(value, ctx));
      expect(err.code).toBe(AuthErrorCodes.API_KEY_INVALID);
      expect(detailOf(err)?.reason).toBe(reason);
      expect(lookup).not.toHaveBeenCalled();
    });

    it('refuses a non-string value without crashing', async () => {
      const { method, lookup, ctx } = setup();
      const err = await failure(method.verify(42 as unknown as string, ctx));
      expect(err.status).toBe(401);
      expect(lookup).not.toHaveBeenCalled();
    });

    it('accepts keys of another format with checksum: false, still by prefix', async () => {
      const { method, lookup, ctx, records } = setup({ checksum: false });
      records.set((await import('./generate.js')).hashApiKey('pcs_legacy-key.1'), {
        id: 'k',
        subject: 'legacy',
        scopes: [],
      });
      expect((await method.verify('pcs_legacy-key.1', ctx)).subject).toBe('legacy');
      const wrong = await failure(method.verify('old_legacy-key.1', ctx));
      expect(detailOf(wrong)?.reason).toBe('wrong_prefix');
      const spaced = await failure(method.verify('pcs_has space', ctx));
      expect(detailOf(spaced)?.reason).toBe('malformed');
      expect(lookup).toHaveBeenCalledTimes(1);
    });

    it('accepts any well-formed prefix when none is configured', async () => {
      const { method, ctx, records } = setup({ prefix: undefined });
      const { key, hash } = generateApiKey({ prefix: 'acme_live' });
      records.set(hash, { id: 'k', subject: 'svc', scopes: [] });
      expect((await method.verify(key, ctx)).keyId).toBe('k');
      const err = await failure(method.verify(typo(key), ctx));
      expect(detailOf(err)?.reason).toBe('bad_checksum');
    });
  });

  describe('one answer for every bad key', () => {
    it('answers unknown, wrong, malformed, expired and revoked keys identically', async () => {
      const { method, ctx, issue } = setup({ cache: false });
      const unknown = generateApiKey({ prefix: 'pcs' }).key;
      const expired = issue({ id: 'key_exp', expiresAt: new Date(T0 - 1) }).key;
      const revoked = issue({ id: 'key_rev', revokedAt: new Date(T0 - 1000) }).key;
      const mistyped = typo(issue().key);
      const cases: Array<[string, string, string | undefined]> = [
        [unknown, 'unknown_key', undefined],
        [expired, 'expired', 'key_exp'],
        [revoked, 'revoked', 'key_rev'],
        [mistyped, 'bad_checksum', undefined],
        ['pcs_nope', 'malformed', undefined],
        [generateApiKey({ prefix: 'other' }).key, 'wrong_prefix', undefined],
      ];
      const errors = [];
      for (const [value, reason, keyId] of cases) {
        const err = await failure(method.verify(value, ctx));
        expect(detailOf(err)).toEqual(keyId === undefined ? { reason } : { reason, keyId });
        errors.push(err);
      }
      const answer = (e: AuthError) => ({
        status: e.status,
        code: e.code,
        error: e.error,
        message: e.message,
        headers: e.headers,
        body: e.body,
      });
      for (const err of errors) expect(answer(err)).toEqual(answer(errors[0]!));
      expect(errors[0]!.status).toBe(401);
      expect(errors[0]!.headers['www-authenticate']).toMatch(
        /^Bearer realm="test", error="invalid_token"/,
      );
    });

    it('refuses a key at the instant it expires or is revoked', async () => {
      const { method, ctx, issue } = setup({ cache: false });
      const expired = await failure(method.verify(issue({ expiresAt: T0 / 1000 }).key, ctx));
      expect(detailOf(expired)?.reason).toBe('expired');
      const revoked = await failure(method.verify(issue({ revokedAt: new Date(T0) }).key, ctx));
      expect(detailOf(revoked)?.reason).toBe('revoked');
    });

    it('accepts a key whose revocation is scheduled, until then', async () => {
      const { method, ctx, issue } = setup({ cache: false });
      const { key } = issue({ revokedAt: new Date(T0 + 1) });
      expect((await method.verify(key, ctx)).subject).toBe('svc');
    });
  });
});
