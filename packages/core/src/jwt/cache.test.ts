import { describe, expect, it } from 'vitest';
import { AuthErrorCodes as C } from '../error-codes.js';
import { detailOf } from '../lib/detail.js';
import {
  AUDIENCE,
  claims,
  ctx,
  HS256_HEADER,
  hs256Token,
  IMPLS,
  ISSUER,
  NOW,
  NOW_MS,
  rawHs256,
} from '../test-helpers/jwt-fixtures.js';
import type { Verified } from './claims.js';
import { memoryDenyList } from './deny-list.js';
import type { JwtOptions } from './types.js';
import { type Cached, VerifiedCache } from './verified-cache.js';
import { createJwtVerifier } from './verifier.js';

const secret = new Uint8Array(32).fill(9);
const token = (overrides: Record<string, unknown> = {}) => hs256Token(secret, overrides);

describe.each(IMPLS)('verification cache and revocation on $runtime crypto', (impl) => {
  const make = (extra: Partial<JwtOptions> = {}) =>
    createJwtVerifier(
      { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, secret, ...extra },
      impl,
    );

  it('caches a token seen twice and serves it (same frozen claims) until clearCache()', async () => {
    const v = make();
    const t = token();
    const once = await v.verify(t, ctx());
    const twice = await v.verify(t, ctx());
    expect(twice.claims).not.toBe(once.claims); // the first sighting is not cached
    const hit = await v.verify(t, ctx());
    expect(hit).toEqual(twice);
    expect(hit).not.toBe(twice);
    expect(hit.claims).toBe(twice.claims);
    expect(Object.isFrozen(twice.claims)).toBe(true);
    v.clearCache();
    expect((await v.verify(t, ctx())).claims).not.toBe(twice.claims);
  });

  it('freezes claims nested 100,000 deep, before caching them, without overflowing the stack', async () => {
    const depth = 100_000;
    const payload = JSON.stringify(claims()).replace(
      /}$/,
      `,"deep":${'[{"a":'.repeat(depth)}1${'}]'.repeat(depth)}}`,
    );
    const t = rawHs256(HS256_HEADER, payload, secret);
    const v = make({ maxTokenLength: 2 * t.length });
    const seen = [];
    for (let i = 0; i < 3; i++) seen.push(await v.verify(t, ctx()));
    expect(seen[2]?.claims).toBe(seen[1]?.claims);
    // Frozen all the way down, so no handler can change what a later request is served.
    let node: unknown = seen[2]?.claims;
    let levels = 0;
    let thawed = 0;
    while (typeof node === 'object' && node !== null) {
      if (!Object.isFrozen(node)) thawed++;
      node = Array.isArray(node)
        ? node[0]
        : (node as Record<string, unknown>)['deep' in node ? 'deep' : 'a'];
      levels++;
    }
    expect(thawed).toBe(0);
    expect(levels).toBe(2 * depth + 1);
  });

  it('does not cache with cache: false', async () => {
    const v = make({ cache: false });
    const t = token();
    expect((await v.verify(t, ctx())).claims).not.toBe((await v.verify(t, ctx())).claims);
  });

  it('never uses an entry past exp and re-checks the clock on a hit', async () => {
    const v = make();
    const t = token({ exp: NOW + 10, nbf: NOW - 1 });
    await v.verify(t, ctx());
    const first = await v.verify(t, ctx());
    expect((await v.verify(t, ctx())).claims).toBe(first.claims);
    // Past exp but within the tolerance: verified afresh, not served from the cache.
    const later = await v.verify(t, ctx(NOW_MS + 12_000));
    expect(later.claims).not.toBe(first.claims);
    await expect(v.verify(t, ctx(NOW_MS + 15_000))).rejects.toMatchObject({ code: C.JWT_EXPIRED });
    // A clock moved back before nbf - tolerance refuses the cached token.
    await expect(v.verify(t, ctx(NOW_MS - 10_000))).rejects.toMatchObject({
      code: C.JWT_NOT_YET_VALID,
    });
  });

  it('keeps verifiers apart: a token cached by one is refused by another audience', async () => {
    const t = token();
    const one = make();
    await one.verify(t, ctx());
    await one.verify(t, ctx());
    const other = make({ audience: 'https://other.example.com' });
    await expect(other.verify(t, ctx())).rejects.toMatchObject({ code: C.JWT_AUDIENCE_INVALID });
  });

  it('never serves a cached token to another token ending in the same signature', async () => {
    const v = make();
    const t = token();
    await v.verify(t, ctx());
    const cached = await v.verify(t, ctx());
    const [h, , sig] = t.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...cached.claims, sub: 'root' })).toString('base64url')}.${sig}`;
    await expect(v.verify(forged, ctx())).rejects.toMatchObject({
      code: C.JWT_SIGNATURE_INVALID,
    });
    expect((await v.verify(t, ctx())).claims).toBe(cached.claims);
  });

  it('is bounded by count and by total token length', async () => {
    const a = token({ jti: 'a' });
    const b = token({ jti: 'b' });
    const cached = async (v: ReturnType<typeof make>, t: string) => {
      await v.verify(t, ctx());
      return (await v.verify(t, ctx())).claims;
    };
    for (const limits of [{ max: 1 }, { maxBytes: a.length + 10 }]) {
      const v = make({ cache: limits });
      const claimsA = await cached(v, a);
      expect((await v.verify(a, ctx())).claims).toBe(claimsA);
      await cached(v, b); // evicts a
      expect((await v.verify(a, ctx())).claims).not.toBe(claimsA);
    }
  });

  it('refuses a revoked jti, also after it was cached, and requires jti with a deny-list', async () => {
    const denyList = memoryDenyList({ now: () => NOW_MS });
    const v = make({ denyList });
    const t = token();
    await v.verify(t, ctx());
    expect((await v.verify(t, ctx())).subject).toBe('user-1');
    await denyList.revoke('jti-1', NOW + 600);
    const err = await v.verify(t, ctx()).catch((e) => e);
    expect(err).toMatchObject({ code: C.JWT_REVOKED, status: 401 });
    expect(detailOf(err)).toEqual({ reason: 'revoked', jti: 'jti-1' });
    await expect(v.verify(token({ jti: undefined }), ctx())).rejects.toMatchObject({
      code: C.JWT_CLAIM_MISSING,
    });
  });

  it('answers 503 when the deny-list or the hook fails, never "not revoked"', async () => {
    const broken = {
      revoke() {},
      isRevoked(): boolean {
        throw new Error('redis down');
      },
    };
    const t = token();
    for (const extra of [
      { denyList: broken },
      { denyList: { revoke() {}, isRevoked: async () => Promise.reject(new Error('down')) } },
      {
        isRevoked: () => {
          throw new Error('down');
        },
      },
      { isRevoked: async () => undefined as unknown as boolean },
    ]) {
      const err = await make(extra)
        .verify(t, ctx())
        .catch((e) => e);
      expect(err).toMatchObject({ code: C.DENY_LIST_FAILED, status: 503 });
      expect(err.headers['retry-after']).toBe('5');
    }
  });

  it('answers 503 when a revocation check never answers, instead of hanging', async () => {
    const never = () => new Promise<boolean>(() => {});
    for (const extra of [{ denyList: { revoke() {}, isRevoked: never } }, { isRevoked: never }]) {
      const err = await make({ ...extra, revocationTimeout: 20 })
        .verify(token(), ctx())
        .catch((e) => e);
      expect(err).toMatchObject({ code: C.DENY_LIST_FAILED, status: 503 });
      expect(detailOf(err)).toMatchObject({ reason: 'deny_list_timeout', jti: 'jti-1' });
    }
  });

  it('consults the isRevoked hook with the jti and claims, sync or async, on every hit', async () => {
    const seen: string[] = [];
    let revoked = false;
    const v = make({
      isRevoked: async (jti, c) => {
        seen.push(`${jti}:${c.sub}`);
        return revoked;
      },
    });
    const t = token();
    await v.verify(t, ctx());
    await v.verify(t, ctx());
    await v.verify(t, ctx());
    expect(seen).toEqual(['jti-1:user-1', 'jti-1:user-1', 'jti-1:user-1']);
    revoked = true;
    await expect(v.verify(t, ctx())).rejects.toMatchObject({ code: C.JWT_REVOKED });
    const sync = make({ isRevoked: (jti) => jti === 'jti-2' });
    expect((await sync.verify(t, ctx())).subject).toBe('user-1');
    await expect(sync.verify(token({ jti: 'jti-2' }), ctx())).rejects.toMatchObject({
      code: C.JWT_REVOKED,
    });
    await expect(sync.verify(token({ jti: undefined }), ctx())).rejects.toMatchObject({
      code: C.JWT_CLAIM_MISSING,
    });
  });
});

describe('VerifiedCache', () => {
  const check = () => true;
  const entry = (subject: string): Cached => ({
    verified: { subject } as Verified,
    alg: 'HS256',
    kid: undefined,
    check,
  });
  const tail = 'x'.repeat(40);
  const offer = (cache: VerifiedCache, token: string, subject: string) => {
    if (!cache.admits(token)) return false;
    cache.add(token, entry(subject));
    return true;
  };

  it('matches whole tokens, not the tail it files them under', () => {
    const cache = new VerifiedCache({ max: 10, maxBytes: 10_000 });
    const a = `a.${tail}`;
    const b = `b.${tail}`;
    expect(offer(cache, a, 'a')).toBe(false);
    expect(offer(cache, a, 'a')).toBe(true);
    expect(cache.get(a)?.verified.subject).toBe('a');
    expect(cache.get(a)?.check).toBe(check);
    expect(cache.get(b)).toBeUndefined();
    cache.delete(b);
    expect(cache.get(a)?.verified.subject).toBe('a');
    offer(cache, b, 'b');
    offer(cache, b, 'b');
    expect(cache.get(b)?.verified.subject).toBe('b');
    expect(cache.get(a)).toBeUndefined();
    cache.delete(b);
    expect(cache.get(b)).toBeUndefined();
  });
});
