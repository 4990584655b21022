import { createAuthenticator, isAuthError, jwt } from '@portcullis/core';
import { connectClient, type TestClient, uniquePrefix } from '@portcullis/test-kit/redis';
import { createTestIssuer } from '@portcullis/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RedisDenyList, redisDenyList } from '../src/index.js';

let a: TestClient;
let b: TestClient;
const opened: RedisDenyList[] = [];
const prefixes: string[] = [];
const inAMinute = () => Math.floor(Date.now() / 1000) + 60;

async function open(client: TestClient, prefix: string, maxStaleness?: number) {
  const list = await redisDenyList({ client, prefix, maxStaleness });
  opened.push(list);
  return list;
}

function fresh(label: string): string {
  const prefix = uniquePrefix(label);
  prefixes.push(prefix);
  return prefix;
}

async function until(check: () => boolean | Promise<boolean>, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

beforeAll(async () => {
  [a, b] = await Promise.all([connectClient(), connectClient()]);
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((list) => list.close()));
});
afterAll(async () => {
  for (const prefix of prefixes) {
    for await (const keys of a.scanIterator({ MATCH: `{${prefix}*`, COUNT: 1000 })) {
      if (keys.length > 0) await a.del(keys);
    }
  }
  await Promise.all([a.close(), b.close()]);
});

describe('redisDenyList', () => {
  it('refuses on one instance what another revoked, answering from its replica', async () => {
    const prefix = fresh('deny');
    const one = await open(a, prefix);
    const two = await open(b, prefix);
    expect(two.isRevoked('jti-1')).toBe(false);
    await one.revoke('jti-1', inAMinute());
    expect(one.isRevoked('jti-1')).toBe(true);
    await until(() => two.isRevoked('jti-1') === true);
    // Fresh: a plain boolean, no promise, no round trip.
    expect(typeof two.isRevoked('other')).toBe('boolean');
    expect(two.fresh).toBe(true);
  });

  it('loads the revoked set at start-up, before its first answer', async () => {
    const prefix = fresh('deny-load');
    const one = await open(a, prefix);
    for (let i = 0; i < 2500; i++) await one.revoke(`bulk-${i}`, inAMinute());
    const late = await open(b, prefix);
    expect(late.size).toBe(2500);
    expect(late.isRevoked('bulk-0')).toBe(true);
    expect(late.isRevoked('bulk-2499')).toBe(true);
    expect(late.isRevoked('bulk-2500')).toBe(false);
  });

  it('writes a key that expires with the token plus 300 s, and keeps the later expiry', async () => {
    const prefix = fresh('deny-exat');
    const one = await open(a, prefix);
    const exp = inAMinute();
    await one.revoke('timed', exp);
    const key = `{${prefix}deny}:j:timed`;
    expect(await a.expireTime(key)).toBe(exp + 300);
    await one.revoke('timed', exp - 30);
    expect(await a.expireTime(key)).toBe(exp + 300);
    await one.revoke('timed', new Date((exp + 100) * 1000));
    expect(await a.expireTime(key)).toBe(exp + 400);
  });

  it('writes nothing for a token long expired by Redis time, but still refuses it locally', async () => {
    const prefix = fresh('deny-old');
    const one = await open(a, prefix);
    const [seconds] = await a.time();
    await one.revoke('ancient', Number(seconds) - 3600);
    expect(await a.exists(`{${prefix}deny}:j:ancient`)).toBe(0);
  });

  it('carries any jti intact: spaces, newlines, braces, non-ASCII', async () => {
    const prefix = fresh('deny-odd');
    const one = await open(a, prefix);
    const two = await open(b, prefix);
    const odd = ['with space', 'line\nbreak', '{tag}', 'ünïcødé ✓', ' lead', '42 42'];
    for (const jti of odd) await one.revoke(jti, inAMinute());
    await until(() => odd.every((jti) => two.isRevoked(jti) === true));
    const late = await open(b, prefix);
    for (const jti of odd) expect(late.isRevoked(jti)).toBe(true);
    expect(late.isRevoked('with')).toBe(false);
  });

  it('resyncs when a numbered message is missing, and then knows what it missed', async () => {
    const prefix = fresh('deny-gap');
    const tag = `{${prefix}deny}`;
    const one = await open(a, prefix);
    const exp = inAMinute() + 300;
    // A revocation whose announcement never arrived: in Redis, with a number, but not published.
    await a.set(`${tag}:j:lost`, '1', { EXAT: exp });
    await a.zAdd(`${tag}:i`, { score: exp, value: 'lost' });
    await a.incr(`${tag}:n`);
    expect(one.isRevoked('lost')).toBe(false);
    // The next heartbeat carries a counter ahead of what the replica heard: a resync loads it.
    await until(() => one.isRevoked('lost') === true);
  });

  it('resyncs when Redis forgot the counter (a restart without persistence), keeping what it had', async () => {
    const prefix = fresh('deny-reset');
    const tag = `{${prefix}deny}`;
    const one = await open(a, prefix);
    await one.revoke('kept', inAMinute());
    await a.del([`${tag}:n`, `${tag}:i`, `${tag}:j:kept`]);
    const two = await open(b, prefix);
    await two.revoke('after', inAMinute());
    await until(() => one.isRevoked('after') === true);
    expect(one.isRevoked('kept')).toBe(true);
    expect(two.isRevoked('kept')).toBe(false);
  });

  it('after close(), reads Redis directly and stays correct', async () => {
    const prefix = fresh('deny-closed');
    const one = await open(a, prefix);
    const two = await open(b, prefix);
    await two.close();
    await one.revoke('late', inAMinute());
    expect(two.fresh).toBe(false);
    await expect(two.isRevoked('late')).resolves.toBe(true);
    await expect(two.isRevoked('never')).resolves.toBe(false);
  });

  it('checks its arguments like memoryDenyList()', async () => {
    const one = await open(a, fresh('deny-args'));
    await expect(one.revoke('', inAMinute())).rejects.toThrow(TypeError);
    await expect(one.revoke('x', Date.now())).rejects.toThrow(/milliseconds/);
    await expect(one.revoke('x', Number.NaN)).rejects.toThrow(TypeError);
    expect(one.size).toBe(0);
  });

  it('refuses a revoked token through jwt(): 401 on every instance', async () => {
    const prefix = fresh('deny-jwt');
    const issuer = await createTestIssuer({ algorithm: 'HS256' });
    const lists = [await open(a, prefix), await open(b, prefix)];
    const apis = lists.map((denyList) =>
      createAuthenticator({ methods: [jwt({ ...issuer.jwtOptions, denyList })] }),
    );
    const token = await issuer.sign({}, { jti: 'tok-1' });
    const status = async (i: number) => {
      try {
        await apis[i]!.authenticate({
          header: (n) => (n === 'authorization' ? `Bearer ${token}` : undefined),
        });
        return 200;
      } catch (err) {
        return isAuthError(err) ? err.status : 500;
      }
    };
    expect([await status(0), await status(1)]).toEqual([200, 200]);
    await lists[0]!.revoke('tok-1', inAMinute());
    await until(async () => (await status(1)) === 401);
    expect(await status(0)).toBe(401);
  });
});
