import { describe, expect, it, vi } from 'vitest';
import { createAuthenticator } from '../authenticator.js';
import { AuthErrorCodes as C } from '../error-codes.js';
import { detailOf } from '../lib/detail.js';
import {
  claims,
  ctx,
  HS256_HEADER,
  hs256Token,
  IMPLS,
  ISSUER,
  NOW,
  rawHs256,
} from '../test-helpers/jwt-fixtures.js';
import type { AuthEvent, Principal } from '../types.js';
import type { JwtOptions } from './types.js';
import { createJwtVerifier } from './verifier.js';

const secret = new Uint8Array(32).fill(9);
const token = (overrides: Record<string, unknown> = {}) => hs256Token(secret, overrides);
const base = { algorithms: ['HS256'], issuer: ISSUER, audience: 'https://api.example.com', secret };
/** A chain of `depth` actors, outermost first: agent-1 acting for agent-2 … */
const chain = (depth: number): Record<string, unknown> | undefined => {
  let act: Record<string, unknown> | undefined;
  for (let i = depth; i >= 1; i--)
    act = act === undefined ? { sub: `agent-${i}` } : { sub: `agent-${i}`, act };
  return act;
};

describe.each(IMPLS)('delegation (act) on $runtime crypto', (impl) => {
  const make = (extra: Partial<JwtOptions> = {}) =>
    createJwtVerifier({ ...base, cache: false, ...extra } as JwtOptions, impl);
  const verifier = make();
  const verify = (t: string, v = verifier): Promise<Principal> => v.verify(t, ctx());
  const refusal = (t: string, v = verifier) =>
    v.verify(t, ctx()).then(
      () => {
        throw new Error('accepted');
      },
      (e) => e,
    );

  it('names the outermost act the current actor, and leaves the chain in the claims', async () => {
    const act = { sub: 'agent-1', iss: 'https://agents.example.com/', act: { sub: 'agent-2' } };
    const principal = await verify(token({ act }));
    expect(principal.subject).toBe('user-1');
    expect(principal.actor).toEqual({ subject: 'agent-1', issuer: 'https://agents.example.com/' });
    expect(principal.claims?.act).toEqual(act);
    expect((await verify(token({ act: { sub: 'agent-1' } }))).actor).toEqual({
      subject: 'agent-1',
    });
  });

  it('leaves actor out of a token without act', async () => {
    const principal = await verify(token());
    expect('actor' in principal).toBe(false);
  });

  it('refuses a malformed act at any level with ERR_JWT_CLAIM_INVALID, reason act', async () => {
    for (const act of [
      null,
      'agent-1',
      ['agent-1'],
      {},
      { sub: '' },
      { sub: 42 },
      { sub: 'agent-1', iss: '' },
      { sub: 'agent-1', iss: 7 },
      { sub: 'agent-1', act: null },
      { sub: 'agent-1', act: { iss: ISSUER } },
      { sub: 'agent-1', act: { sub: 'agent-2', act: [] } },
    ]) {
      const err = await refusal(token({ act }));
      expect(err).toMatchObject({ code: C.JWT_CLAIM_INVALID, status: 401, error: 'invalid_token' });
      expect(detailOf(err)).toEqual({ reason: 'act', jti: 'jti-1' });
    }
  });

  it('reads act as an own claim only', async () => {
    const payload = JSON.stringify(claims()).replace(
      /}$/,
      ',"__proto__":{"act":{"sub":"agent-1"}}}',
    );
    const principal = await verify(rawHs256(HS256_HEADER, payload, secret));
    expect(principal.actor).toBeUndefined();
  });

  it('accepts up to maxActorDepth actors (default 5), and refuses a deeper chain', async () => {
    expect((await verify(token({ act: chain(5) }))).actor).toEqual({ subject: 'agent-1' });
    const err = await refusal(token({ act: chain(6) }));
    expect(err).toMatchObject({ code: C.JWT_ACTOR_NOT_ALLOWED, status: 401 });
    expect(err.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(detailOf(err)).toEqual({ reason: 'actor_depth', jti: 'jti-1' });
    const two = make({ maxActorDepth: 2 });
    expect((await verify(token({ act: chain(2) }), two)).actor?.subject).toBe('agent-1');
    expect(detailOf(await refusal(token({ act: chain(3) }), two))?.reason).toBe('actor_depth');
  });

  it('refuses every delegated token with maxActorDepth: 0, and still accepts direct ones', async () => {
    const none = make({ maxActorDepth: 0 });
    expect(detailOf(await refusal(token({ act: chain(1) }), none))?.reason).toBe('actor_depth');
    expect((await verify(token(), none)).subject).toBe('user-1');
  });

  it('walks no further than the limit, however deep the chain', async () => {
    const deep = `{"sub":"a"${',"act":{"sub":"a"'.repeat(20_000)}${'}'.repeat(20_000)}}`;
    const payload = JSON.stringify(claims()).replace(/}$/, `,"act":${deep}}`);
    const big = make({ maxTokenLength: 1_000_000 });
    const err = await refusal(rawHs256(HS256_HEADER, payload, secret), big);
    expect(detailOf(err)?.reason).toBe('actor_depth');
  });

  it('allows only listed actors of the token issuer with `actors`', async () => {
    const listed = make({ actors: ['agent-1', 'agent-9'] });
    expect((await verify(token({ act: { sub: 'agent-1' } }), listed)).actor?.subject).toBe(
      'agent-1',
    );
    expect((await verify(token({ act: { sub: 'agent-1', iss: ISSUER } }), listed)).actor).toEqual({
      subject: 'agent-1',
      issuer: ISSUER,
    });
    // A direct token is not affected.
    expect((await verify(token(), listed)).subject).toBe('user-1');
    for (const act of [
      { sub: 'agent-2' },
      // A subject of another issuer is another actor.
      { sub: 'agent-1', iss: 'https://elsewhere.example.com/' },
      // Prior actors never count: only the current one.
      { sub: 'agent-2', act: { sub: 'agent-1' } },
    ]) {
      const err = await refusal(token({ act }), listed);
      expect(err).toMatchObject({ code: C.JWT_ACTOR_NOT_ALLOWED, status: 401 });
      expect(detailOf(err)).toEqual({ reason: 'actor_not_allowed', jti: 'jti-1' });
      expect(err.message).not.toContain('agent');
    }
  });

  it('asks an `actors` function about the current actor only, with a copy', async () => {
    const seen: unknown[] = [];
    const fn = make({
      actors: (actor) => {
        seen.push(actor);
        (actor as { subject: string }).subject = 'tampered';
        return actor.issuer === 'https://agents.example.com/';
      },
    });
    const act = { sub: 'bot', iss: 'https://agents.example.com/', act: { sub: 'prior' } };
    expect((await verify(token({ act }), fn)).actor).toEqual({
      subject: 'bot',
      issuer: 'https://agents.example.com/',
    });
    expect(seen).toEqual([{ subject: 'tampered', issuer: 'https://agents.example.com/' }]);
    expect(detailOf(await refusal(token({ act: { sub: 'bot' } }), fn))?.reason).toBe(
      'actor_not_allowed',
    );
    // Never called for a direct token.
    await verify(token(), fn);
    expect(seen).toHaveLength(2);
  });

  it('answers 500, never a pass, when an `actors` function throws or answers no boolean', async () => {
    const methods = [
      make({ actors: () => Promise.resolve(true) as unknown as boolean }),
      make({ actors: () => 'yes' as unknown as boolean }),
      make({
        actors: () => {
          throw new Error('boom');
        },
      }),
    ];
    for (const method of methods) {
      const authenticator = createAuthenticator({ methods: [method], now: () => NOW * 1000 });
      const t = token({ act: { sub: 'agent-1' } });
      const err = await authenticator
        .authenticate({ header: (name) => (name === 'authorization' ? `Bearer ${t}` : undefined) })
        .catch((e) => e);
      expect(err).toMatchObject({ status: 500, code: C.INTERNAL });
    }
  });

  it('caches the verdict with the token', async () => {
    const allow = vi.fn(() => true);
    const cached = createJwtVerifier({ ...base, actors: allow } as JwtOptions, impl);
    const t = token({ act: { sub: 'agent-1' } });
    for (let i = 0; i < 4; i++) expect((await verify(t, cached)).actor?.subject).toBe('agent-1');
    expect(allow.mock.calls.length).toBeLessThan(4);
  });

  it("gives each request its own actor: a handler's change reaches no later one", async () => {
    const cached = createJwtVerifier(base as JwtOptions, impl);
    const t = token({ act: { sub: 'agent-1' } });
    for (let i = 0; i < 3; i++) {
      const principal = await verify(t, cached);
      expect(principal.actor).toEqual({ subject: 'agent-1' });
      (principal.actor as { subject: string }).subject = 'changed';
    }
  });

  it('names the current actor in the success event, never a prior one', async () => {
    const events: AuthEvent[] = [];
    const authenticator = createAuthenticator({
      methods: [make()],
      now: () => NOW * 1000,
      onEvent: (e) => events.push(e),
    });
    const t = token({ act: { sub: 'agent-1', act: { sub: 'prior-agent' } } });
    await authenticator.authenticate({
      header: (name) => (name === 'authorization' ? `Bearer ${t}` : undefined),
    });
    expect(events).toEqual([
      {
        outcome: 'success',
        method: 'jwt',
        subject: 'user-1',
        jti: 'jti-1',
        actor: 'agent-1',
        code: 'OK',
        status: 200,
        time: NOW * 1000,
      },
    ]);
    expect(JSON.stringify(events)).not.toContain('prior-agent');
  });
});

describe('jwt() delegation options', () => {
  const build = (extra: Record<string, unknown>) => () =>
    createJwtVerifier({ ...base, ...extra } as JwtOptions, IMPLS[0]);

  it.each([
    ['negative maxActorDepth', { maxActorDepth: -1 }, /`maxActorDepth` must be an integer/],
    ['fractional maxActorDepth', { maxActorDepth: 1.5 }, /`maxActorDepth`/],
    ['huge maxActorDepth', { maxActorDepth: 65 }, /`maxActorDepth`/],
    ['string maxActorDepth', { maxActorDepth: '5' }, /`maxActorDepth`/],
    ['empty actors', { actors: [] }, /`actors` needs at least one actor subject/],
    ['actors with an empty subject', { actors: ['a', ''] }, /`actors`/],
    ['actors as a string', { actors: 'agent-1' }, /`actors`/],
    ['actors with a number', { actors: [1] }, /`actors`/],
  ])('refuses %s with a TypeError', (_name, extra, message) => {
    expect(build(extra)).toThrow(TypeError);
    expect(build(extra)).toThrow(message);
  });

  it('accepts the boundaries and both forms of actors', () => {
    expect(build({ maxActorDepth: 0 })).not.toThrow();
    expect(build({ maxActorDepth: 64 })).not.toThrow();
    expect(build({ actors: ['agent-1'] })).not.toThrow();
    expect(build({ actors: () => true })).not.toThrow();
  });

  it('suggests the option meant for a misspelt name', () => {
    expect(build({ maxActorDeph: 3 })).toThrow(/did you mean `maxActorDepth`/);
    expect(build({ actor: ['a'] })).toThrow(/did you mean `actors`/);
  });
});
