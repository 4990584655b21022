// @portcullis/redis on a Redis Cluster of the test's own (three masters, no replicas, AOF fsynced
// on every write): revocations propagate across processes, survive a slot migration and a kill -9
// of the primary that owns the deny-list's slot, scripts recover from NOSCRIPT, and the replay
// store and the invalidation feed work on a cluster.
import { randomBytes, randomUUID } from 'node:crypto';
import type { InvalidationTarget } from '@portcullis/core';
import { redisDenyList, redisInvalidation, redisReplayStore } from '@portcullis/redis';
import {
  type ClusterNode,
  type RedisCluster,
  startRedisCluster,
  uniquePrefix,
} from '@portcullis/test-kit/redis';
import { SignJWT } from 'jose';
import { createCluster } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FleetConfig, type Instance, startFleet } from './support/fleet.js';

const MAX_STALENESS = 300;
const ISSUER = 'https://id.portcullis.test/';
const AUDIENCE = 'https://api.portcullis.test';
const secret = randomBytes(32).toString('base64url');
const prefix = uniquePrefix('cluster');
const tag = `{${prefix}deny}`;
const channel = `${tag}:c`;

let cluster: RedisCluster;
let config: FleetConfig;
let fleet: Instance[] = [];
const extra: Instance[] = [];
const clients: ClusterClient[] = [];
const closers: (() => Promise<void>)[] = [];

function newCluster() {
  return createCluster({
    rootNodes: cluster.rootNodes.map((url) => ({ url })),
    defaults: { socket: { reconnectStrategy: () => 50, connectTimeout: 1000 } },
  });
}
type ClusterClient = ReturnType<typeof newCluster>;

async function connectCluster(): Promise<ClusterClient> {
  const client = newCluster();
  client.on('error', () => {});
  await client.connect();
  clients.push(client);
  return client;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function token(jti: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return await new SignJWT({ jti })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject('user-1')
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .sign(new TextEncoder().encode(secret));
}

const exp = () => Math.floor(Date.now() / 1000) + 600;

/** Start `count` more instances, closed in afterAll. */
async function more(count: number): Promise<Instance[]> {
  const started = await startFleet(count, config);
  extra.push(...started);
  return started;
}

/**
 * Poll every instance until it answers `status` for `jwt`; every answer on the way must be one of
 * `allowed`, and every answer to a request sent after `strictAfter` (epoch ms) must be `status`.
 */
async function until(
  instances: Instance[],
  jwt: string,
  status: number,
  allowed: number[],
  strictAfter = Number.POSITIVE_INFINITY,
  timeout = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeout;
  await Promise.all(
    instances.map(async (instance) => {
      const seen: number[] = [];
      for (;;) {
        const askedAt = Date.now();
        const answer = await instance.verify(jwt);
        seen.push(answer);
        expect(allowed).toContain(answer);
        if (askedAt > strictAfter) expect(answer).toBe(status);
        if (answer === status) return;
        if (Date.now() > deadline) {
          throw new Error(`no ${status} within ${timeout} ms; answers: ${seen.join(',')}`);
        }
        await sleep(10);
      }
    }),
  );
}

/** Every instance answers `status` for `jwt`, `times` times in a row over about `span` ms. */
async function always(instances: Instance[], jwt: string, status: number, span = 200, times = 5) {
  for (let i = 0; i < times; i++) {
    expect(await Promise.all(instances.map((instance) => instance.verify(jwt)))).toEqual(
      instances.map(() => status),
    );
    await sleep(span / times);
  }
}

/** Revoke on `by`, then: refused by every instance (never accepted once `maxStaleness` is over). */
async function revokeAndCheck(by: Instance, everyone: Instance[], jti: string): Promise<string> {
  const jwt = await token(jti);
  await by.revoke(jti, exp());
  const acknowledged = Date.now();
  expect(await by.verify(jwt)).toBe(401);
  // Until maxStaleness is over, a fresh replica may not have heard it yet (200); after that,
  // every replica has heard it or is stale and reads Redis: refused, never accepted.
  const strictAfter = acknowledged + MAX_STALENESS + 20;
  await until(everyone, jwt, 401, [200, 401], strictAfter);
  await sleep(Math.max(0, strictAfter - Date.now()));
  await always(everyone, jwt, 401);
  return jwt;
}

/** Subscribers of the deny-list's channel on `node` (PUBSUB SHARDNUMSUB). */
async function subscribers(node: ClusterNode): Promise<number> {
  const reply = (await node.cli('PUBSUB', 'SHARDNUMSUB', channel)).split('\n');
  return Number(reply[1]);
}

/** Move `slot` from `from` to `to` the way `redis-cli --cluster reshard` does, keys included. */
async function migrate(slot: number, from: ClusterNode, to: ClusterNode): Promise<number> {
  await to.cli('CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', from.id);
  await from.cli('CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', to.id);
  let moved = 0;
  for (;;) {
    const keys = (await from.cli('CLUSTER', 'GETKEYSINSLOT', String(slot), '100'))
      .split('\n')
      .filter((key) => key !== '');
    if (keys.length === 0) break;
    const reply = await from.cli(
      'MIGRATE',
      '127.0.0.1',
      String(to.port),
      '',
      '0',
      '5000',
      'KEYS',
      ...keys,
    );
    expect(reply).toBe('OK');
    moved += keys.length;
  }
  // The destination first, then the source, then everyone else (as redis-cli does).
  const others = cluster.nodes.filter((n) => n !== from && n !== to);
  for (const node of [to, from, ...others]) {
    await node.cli('CLUSTER', 'SETSLOT', String(slot), 'NODE', to.id);
  }
  return moved;
}

beforeAll(async () => {
  cluster = await startRedisCluster();
  config = {
    rootNodes: cluster.rootNodes,
    prefix,
    maxStaleness: MAX_STALENESS,
    secret,
    issuer: ISSUER,
    audience: AUDIENCE,
  };
  fleet = await startFleet(3, config);
}, 60_000);

afterAll(async () => {
  const instances = [...fleet, ...extra];
  await Promise.race([
    Promise.all(instances.map((instance) => instance.close().catch(() => {}))),
    sleep(5000),
  ]);
  for (const instance of instances) {
    if (instance.process.exitCode === null) instance.process.kill('SIGKILL');
  }
  await Promise.all(closers.map((close) => close().catch(() => {})));
  await Promise.all(clients.map((client) => client.close().catch(() => {})));
  await cluster?.stop();
}, 30_000);

describe('@portcullis/redis on a Redis Cluster', () => {
  it('keeps every key and channel of the deny-list in the slot of its hash tag', async () => {
    const slot = await cluster.slotOf(tag);
    for (const name of [`${tag}:n`, `${tag}:i`, `${tag}:j:some-jti`, channel]) {
      expect(await cluster.slotOf(name)).toBe(slot);
    }
    // Each of the three instances subscribed once, on the owner of that slot.
    const owner = await cluster.ownerOf(tag);
    expect(await subscribers(owner)).toBe(3);
  });

  it('propagates a revocation made on one process to the others; others stay accepted', async () => {
    const [a, b, c] = fleet as [Instance, Instance, Instance];
    const kept = await token(`kept-${randomUUID()}`);
    await revokeAndCheck(a, fleet, `revoked-${randomUUID()}`);
    await revokeAndCheck(c, fleet, `revoked-${randomUUID()}`);
    await always(fleet, kept, 200);
    // And fast: each replica hears it well within the staleness bound.
    const jti = `timed-${randomUUID()}`;
    const heard = Promise.all([b.watch(jti), c.watch(jti)]);
    const at = await a.revoke(jti, exp());
    for (const when of await heard) expect(when - at).toBeLessThan(MAX_STALENESS);
  });
});

describe('a slot migration of the deny-list tag', () => {
  it('keeps every acknowledged revocation and moves the subscriptions with the slot', async () => {
    const [a, b, c] = fleet as [Instance, Instance, Instance];
    const before = await revokeAndCheck(a, fleet, `before-move-${randomUUID()}`);
    const kept = await token(`kept-${randomUUID()}`);

    // In this process: an observer (how its replica fares through the move) and a writer.
    const observer = await redisDenyList({
      client: await connectCluster(),
      prefix,
      maxStaleness: MAX_STALENESS,
    });
    const writer = await redisDenyList({ client: await connectCluster(), prefix });
    closers.push(observer.close, writer.close);
    // And a bare node-redis sharded subscriber on the deny-list's channel: which numbered
    // messages does plain node-redis deliver through the move?
    const probe = (await connectCluster()).duplicate();
    probe.on('error', () => {});
    await probe.connect();
    closers.push(() => probe.close());
    const heard: number[] = [];
    await probe.sSubscribe(channel, (message: string) => heard.push(Number(message.split(' ')[0])));
    const samples: boolean[] = [];
    const sampler = setInterval(() => samples.push(observer.fresh), 5);

    // Revocations keep coming, from this process and from an instance, all through the move.
    const acknowledged: string[] = [];
    const failures: string[] = [];
    let moving = true;
    const revoker = (revoke: (jti: string) => Promise<unknown>) =>
      (async () => {
        while (moving) {
          const jti = `during-move-${randomUUID()}`;
          try {
            await revoke(jti);
            acknowledged.push(jti);
          } catch (err) {
            failures.push((err as Error).message);
          }
          await sleep(3);
        }
      })();
    const revokers = [
      revoker((jti) => writer.revoke(jti, exp())),
      revoker((jti) => b.revoke(jti, exp())),
    ];

    const slot = await cluster.slotOf(tag);
    const from = await cluster.ownerOf(tag);
    const to = cluster.nodes.find((n) => n !== from)!;
    expect(await subscribers(from)).toBe(6); // three instances, observer, writer, probe
    await sleep(50);
    const moved = await migrate(slot, from, to);
    await sleep(50);
    moving = false;
    await Promise.all(revokers);
    clearInterval(sampler);
    const movedAt = Date.now();
    const missed = heard.flatMap((n, i) =>
      i > 0 && n !== heard[i - 1]! + 1 ? [`${heard[i - 1]! + 1}..${n - 1}`] : [],
    );
    expect(moved).toBeGreaterThanOrEqual(3); // counter, index, entries
    expect((await cluster.ownerOf(tag)).id).toBe(to.id);
    await cluster.waitUntilOk();

    // node-redis followed the slot: the source dropped every subscriber (Redis unsubscribes them
    // when it loses the slot) and each one subscribed again on the destination.
    const deadline = Date.now() + 10_000;
    while ((await subscribers(to)) < 6 && Date.now() < deadline) await sleep(20);
    expect(await subscribers(from)).toBe(0);
    expect(await subscribers(to)).toBe(6);

    // A script whose keys are split between the two nodes mid-move (the new entry is on neither
    // yet) is answered TRYAGAIN; the store tries again within its timeout, so a revocation fails,
    // loudly, only when the move outlasts that: TRYAGAIN, or the store's own timeout.
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const failure of failures) {
      expect(failure).toMatch(/^TRYAGAIN|timeout|^Redis did not answer within \d+ ms$/i);
    }

    // Every revocation acknowledged before or during the move is refused by every instance once
    // maxStaleness is over, and by an instance started after the move.
    await sleep(Math.max(0, movedAt + MAX_STALENESS + 20 - Date.now()));
    const [late] = await more(1);
    const everyone = [a, b, c, late!];
    for (const jti of acknowledged) await always(everyone, await token(jti), 401, 0, 1);
    await always(everyone, before, 401);
    await always(everyone, kept, 200);

    // The observer's replica recovered: fresh again, and holding every acknowledged revocation
    // (a synchronous answer: no direct read of Redis).
    const freshBy = Date.now() + 10_000;
    while (!observer.fresh && Date.now() < freshBy) await sleep(10);
    expect(observer.fresh).toBe(true);
    for (const jti of acknowledged) expect(observer.isRevoked(jti)).toBe(true);
    expect(observer.isRevoked(`never-revoked-${randomUUID()}`)).toBe(false);

    // Revocations made after the move propagate, from an old instance and from the new one.
    await revokeAndCheck(b, everyone, `after-move-${randomUUID()}`);
    await revokeAndCheck(late!, everyone, `after-move-${randomUUID()}`);
    console.log(
      `migration: ${moved} keys; ${acknowledged.length} revocations acknowledged during it, ` +
        `${failures.length} failed (${[...new Set(failures.map((m) => m.split(' ')[0]))].join(', ')}); ` +
        `observer stale in ${samples.filter((f) => !f).length} of ${samples.length} samples; ` +
        `the bare subscriber missed ${missed.length > 0 ? missed.join(', ') : 'nothing'}`,
    );
  }, 60_000);
});

describe('a kill -9 of the primary that owns the tag slot', () => {
  it('loses no acknowledged revocation, answers 503 (never 200) while down, and recovers by itself', async () => {
    const [a, b, c] = fleet as [Instance, Instance, Instance];
    const everyone = [...fleet, ...extra];
    const observer = await redisDenyList({
      client: await connectCluster(),
      prefix,
      maxStaleness: MAX_STALENESS,
    });
    closers.push(observer.close);
    const heard = await revokeAndCheck(a, everyone, `before-kill-${randomUUID()}`);
    const unknown = await token(`unknown-${randomUUID()}`);
    await always(everyone, unknown, 200, 0, 1);

    // Acknowledged just before the kill, not waited for: only the AOF can keep it.
    const lastJti = `just-before-kill-${randomUUID()}`;
    await b.revoke(lastJti, exp());
    const last = await token(lastJti);
    const owner = await cluster.ownerOf(tag);
    const subscribed = await subscribers(owner);
    await owner.kill();
    const killedAt = Date.now();

    // While it is down: revoked tokens stay refused (the replicas hold them); an unknown token
    // may be accepted only while the replicas are still fresh (at most maxStaleness after their
    // last confirmation), then every answer is 503.
    const downAnswers: number[] = [];
    while (Date.now() < killedAt + MAX_STALENESS + 2500) {
      const askedAt = Date.now();
      const answers = await Promise.all(everyone.map((instance) => instance.verify(unknown)));
      for (const answer of answers) {
        if (askedAt > killedAt + MAX_STALENESS + 20) expect(answer).toBe(503);
        else expect([200, 503]).toContain(answer);
      }
      downAnswers.push(...answers);
      await always(everyone, heard, 401, 0, 1);
    }
    expect(downAnswers).toContain(503);
    expect(observer.fresh).toBe(false);

    // Back on the same port and AOF: every instance accepts the unknown token again, with no
    // restart, answering only 503 or 200 on the way.
    await owner.restart();
    const restartedAt = Date.now();
    await until(everyone, unknown, 200, [200, 503]);
    const recoveredIn = Date.now() - restartedAt;
    await cluster.waitUntilOk();

    // Nothing acknowledged was lost: refused by every running instance and by a new one.
    const [late] = await more(1);
    for (const jwt of [heard, last]) await always([...everyone, late!], jwt, 401, 0, 1);
    expect(await owner.cli('EXISTS', `${tag}:j:${lastJti}`)).toBe('1');

    // The feeds came back too: the observer is fresh again, every instance has subscribed anew,
    // and a revocation made now propagates.
    const deadline = Date.now() + 10_000;
    const freshBy = Date.now() + 10_000;
    while (!observer.fresh && Date.now() < freshBy) await sleep(10);
    expect(observer.fresh).toBe(true);
    expect(observer.isRevoked(lastJti)).toBe(true);
    // Everything subscribed before the kill subscribed again, plus the instance started since.
    while ((await subscribers(owner)) < subscribed + 1 && Date.now() < deadline) await sleep(20);
    expect(await subscribers(owner)).toBe(subscribed + 1);
    await revokeAndCheck(c, [...everyone, late!], `after-restart-${randomUUID()}`);
    await always([...everyone, late!], unknown, 200, 0, 1);
    console.log(
      `restart: answers while down ${JSON.stringify(count(downAnswers))}; 200 again ${recoveredIn} ms after the restart`,
    );
  }, 60_000);
});

function count(values: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

/** `errorstat_NOSCRIPT` and `cmdstat_eval` calls of `node`. */
async function scriptStats(node: ClusterNode): Promise<{ noscript: number; eval: number }> {
  const errors = await node.cli('INFO', 'errorstats');
  const commands = await node.cli('INFO', 'commandstats');
  return {
    noscript: Number(/errorstat_NOSCRIPT:count=(\d+)/.exec(errors)?.[1] ?? 0),
    eval: Number(/cmdstat_eval:calls=(\d+)/.exec(commands)?.[1] ?? 0),
  };
}

describe('scripts, the replay store and the invalidation feed on a cluster', () => {
  it('falls back from EVALSHA to EVAL after SCRIPT FLUSH on every node', async () => {
    const client = await connectCluster();
    const denyList = await redisDenyList({ client, prefix, maxStaleness: MAX_STALENESS });
    closers.push(denyList.close);
    const replay = redisReplayStore({ client, prefix });
    const tagOwner = await cluster.ownerOf(tag);
    // A replay id on another master, where no heartbeat runs scripts meanwhile.
    let id = '';
    let idOwner = tagOwner;
    while (idOwner === tagOwner) {
      id = `proof-${randomUUID()}`;
      idOwner = await cluster.ownerOf(`${prefix}replay:${id}`);
    }
    // Every script is known everywhere it ran; then every node forgets them all.
    expect(await replay.claim(`warm-${id}`, exp())).toBe(true);
    for (const node of cluster.nodes) expect(await node.cli('SCRIPT', 'FLUSH')).toBe('OK');

    const tagBefore = await scriptStats(tagOwner);
    const idBefore = await scriptStats(idOwner);
    const jti = `after-flush-${randomUUID()}`;
    await denyList.revoke(jti, exp());
    const revokedAt = Date.now();
    expect(await replay.claim(id, exp())).toBe(true);
    expect(await replay.claim(id, exp())).toBe(false);
    const tagAfter = await scriptStats(tagOwner);
    const idAfter = await scriptStats(idOwner);
    // The first claim met NOSCRIPT and was sent in full; the second found it loaded.
    expect(idAfter.noscript - idBefore.noscript).toBe(1);
    expect(idAfter.eval - idBefore.eval).toBe(1);
    expect(tagAfter.noscript).toBeGreaterThan(tagBefore.noscript);
    expect(await tagOwner.cli('EXISTS', `${tag}:j:${jti}`)).toBe('1');
    await until(fleet, await token(jti), 401, [200, 401], revokedAt + MAX_STALENESS + 20);
  });

  it('admits exactly one of many concurrent claims of one id, whichever master holds it', async () => {
    const stores = [await connectCluster(), await connectCluster()].map((client) =>
      redisReplayStore({ client, prefix }),
    );
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => stores[i % 2]!.claim('contended', exp())),
    );
    expect(answers.filter(Boolean)).toHaveLength(1);

    // Ids on every master: a few per master, each claimed four times at once from two clients.
    const perOwner = new Map<string, string[]>();
    while (
      perOwner.size < cluster.nodes.length ||
      [...perOwner.values()].some((ids) => ids.length < 3)
    ) {
      const id = `spread-${randomUUID()}`;
      const owner = (await cluster.ownerOf(`${prefix}replay:${id}`)).id;
      perOwner.set(owner, [...(perOwner.get(owner) ?? []), id]);
    }
    const ids = [...perOwner.values()].flat();
    const claims = await Promise.all(
      ids.map((id) =>
        Promise.all(stores.flatMap((store) => [store.claim(id, exp()), store.claim(id, exp())])),
      ),
    );
    for (const answer of claims) expect(answer.filter(Boolean)).toHaveLength(1);
  });

  it('carries an invalidation from one instance to another', async () => {
    const options = { channel: `${prefix}keys`, maxStaleness: MAX_STALENESS };
    const [one, two] = await Promise.all([
      redisInvalidation({ client: await connectCluster(), ...options }),
      redisInvalidation({ client: await connectCluster(), ...options }),
    ]);
    closers.push(one.close, two.close);
    const dropped: string[] = [];
    const target: InvalidationTarget = { drop: (hash) => dropped.push(hash), dropAll: () => {} };
    const link = one.attach({ drop: () => {}, dropAll: () => {} });
    two.attach(target);
    expect(one.live && two.live).toBe(true);
    await link.publish('hash-1');
    await link.publish('hash-2');
    const deadline = Date.now() + 5000;
    while (dropped.length < 2 && Date.now() < deadline) await sleep(5);
    expect(dropped).toEqual(['hash-1', 'hash-2']);
  });
});
