// @portcullis/redis across processes on the machine's shared Redis: API instances, each a JWT
// authenticator with redisDenyList() in a process of its own (support/instance.js, the built
// packages), two and three of them on one key prefix. A revocation made on one instance is refused
// by the others; once maxStaleness ms have passed since revoke() resolved, every instance refuses
// it (the guarantee: its replica has heard it, or it is stale and reads Redis); tokens never
// revoked stay accepted; an instance started later refuses every earlier revocation from its
// start-up load; revocations made on several instances at once all reach all of them.
// The only timing assertions are generous deadlines; the shared Redis is never broken, and every
// key of this file's prefixes is deleted at the end.
import { randomBytes, randomUUID } from 'node:crypto';
import { redisDenyList } from '@portcullis/redis';
import {
  connectClient,
  SHARED_REDIS_URL,
  type TestClient,
  uniquePrefix,
} from '@portcullis/test-kit/redis';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FleetConfig, type Instance, startFleet } from './support/fleet.js';

const MAX_STALENESS = 300;
/** Margin for reading two clocks (the child's epoch ms and ours) around the bound. */
const CLOCK_MARGIN = 20;
/** How long a revocation may take to reach an instance before a test fails: generous. */
const DEADLINE = 10_000;
const ISSUER = 'https://id.portcullis.test/';
const AUDIENCE = 'https://api.portcullis.test';
const secret = randomBytes(32).toString('base64url');

const prefixes: string[] = [];
const started: Instance[] = [];
let client: TestClient;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const exp = () => Math.floor(Date.now() / 1000) + 600;

function configFor(label: string): FleetConfig {
  const prefix = uniquePrefix(label);
  prefixes.push(prefix);
  return {
    url: SHARED_REDIS_URL,
    prefix,
    maxStaleness: MAX_STALENESS,
    secret,
    issuer: ISSUER,
    audience: AUDIENCE,
  };
}

/** Start `count` instances on `config`'s prefix, closed in afterAll. */
async function fleetOf(count: number, config: FleetConfig): Promise<Instance[]> {
  const instances = await startFleet(count, config);
  started.push(...instances);
  return instances;
}

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

/** What every instance answers for `jwt`, asked at once. */
function answers(instances: Instance[], jwt: string): Promise<number[]> {
  return Promise.all(instances.map((instance) => instance.verify(jwt)));
}

/**
 * Ask every instance about `jwt` until it answers 401. On the way only 200 or 401 may come, and
 * every answer to a request sent after `strictAfter` (epoch ms) must be 401.
 */
async function untilRefused(instances: Instance[], jwt: string, strictAfter: number) {
  const deadline = Date.now() + DEADLINE;
  await Promise.all(
    instances.map(async (instance, i) => {
      const seen: number[] = [];
      for (;;) {
        const askedAt = Date.now();
        const answer = await instance.verify(jwt);
        seen.push(answer);
        expect([200, 401], `instance ${i} answered ${answer}`).toContain(answer);
        if (askedAt > strictAfter) {
          expect(answer, `instance ${i}, asked after maxStaleness`).toBe(401);
        }
        if (answer === 401) return;
        if (Date.now() > deadline) {
          throw new Error(`instance ${i}: no 401 within ${DEADLINE} ms; answers ${seen.join(',')}`);
        }
        await sleep(5);
      }
    }),
  );
}

/** `promise`'s value, or `undefined` when it has not settled within `ms` ms. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Wait until `maxStaleness` (and the clock margin) has passed since epoch ms `at`. */
async function pastStaleness(at: number): Promise<void> {
  await sleep(Math.max(0, at + MAX_STALENESS + CLOCK_MARGIN - Date.now()));
}

/** Every instance answers `status` to every token of `jwts`. */
async function expectEvery(instances: Instance[], jwts: string[], status: number) {
  for (const jwt of jwts) {
    expect(await answers(instances, jwt)).toEqual(instances.map(() => status));
  }
}

beforeAll(async () => {
  client = await connectClient();
});

afterAll(async () => {
  await Promise.race([
    Promise.all(started.map((instance) => instance.close().catch(() => {}))),
    sleep(5000),
  ]);
  for (const instance of started) {
    if (instance.process.exitCode === null) instance.process.kill('SIGKILL');
  }
  for (const prefix of prefixes) {
    for await (const keys of client.scanIterator({ MATCH: `{${prefix}*`, COUNT: 1000 })) {
      if (keys.length > 0) await client.del(keys);
    }
  }
  await client?.close();
}, 20_000);

describe('two API instances in separate processes on one Redis', () => {
  it('refuses on each what the other revoked, on both once maxStaleness is over; others stay 200', async () => {
    const fleet = await fleetOf(2, configFor('fleet2'));
    const [a, b] = fleet as [Instance, Instance];
    const kept = await token(`kept-${randomUUID()}`);
    expect(await answers(fleet, kept)).toEqual([200, 200]);

    for (const [by, other] of [
      [a, b],
      [b, a],
    ] as const) {
      const jti = `revoked-${randomUUID()}`;
      const jwt = await token(jti);
      expect(await answers(fleet, jwt)).toEqual([200, 200]);
      // The other instance spins on isRevoked() from before the revocation until it refuses it.
      const watching = other.watch(jti);
      const at = await by.revoke(jti, exp());
      expect(await by.verify(jwt)).toBe(401); // at once where it was revoked
      expect(await within(watching, DEADLINE), 'the other instance never refused it').toBeTypeOf(
        'number',
      );
      await untilRefused(fleet, jwt, at + MAX_STALENESS + CLOCK_MARGIN);
      await pastStaleness(at);
      expect(await answers(fleet, jwt)).toEqual([401, 401]);
    }
    expect(await answers(fleet, kept)).toEqual([200, 200]);
  });
});

describe('three API instances in separate processes on one Redis', () => {
  const config = configFor('fleet3');
  let fleet: Instance[] = [];
  /** Every jti revoked so far on this prefix, with its token. */
  const revoked: { jti: string; jwt: string }[] = [];
  const kept: string[] = [];

  beforeAll(async () => {
    fleet = await fleetOf(3, config);
    for (let i = 0; i < 3; i++) kept.push(await token(`kept-${i}-${randomUUID()}`));
  }, 30_000);

  it('propagates a revocation from any instance to the others', async () => {
    for (const by of fleet) {
      const jti = `propagated-${randomUUID()}`;
      const jwt = await token(jti);
      const at = await by.revoke(jti, exp());
      revoked.push({ jti, jwt });
      await untilRefused(fleet, jwt, at + MAX_STALENESS + CLOCK_MARGIN);
    }
    await expectEvery(fleet, kept, 200);
  });

  it('refuses every revoked token on every instance once maxStaleness is over since revoke() resolved', async () => {
    // Several tokens, revoked one after another, from every instance in turn; nobody is asked
    // about them until the bound of the last one has passed: then every instance must refuse every
    // one of them on its first ask (its replica has heard it, or it is stale and reads Redis).
    const batch: { jti: string; jwt: string }[] = [];
    let last = 0;
    for (let i = 0; i < 12; i++) {
      const jti = `bound-${i}-${randomUUID()}`;
      const jwt = await token(jti);
      last = await fleet[i % fleet.length]!.revoke(jti, exp());
      batch.push({ jti, jwt });
    }
    revoked.push(...batch);
    await pastStaleness(last);
    await expectEvery(
      fleet,
      batch.map((r) => r.jwt),
      401,
    );
    await expectEvery(fleet, kept, 200);
  });

  it('carries revocations made on several instances at once to every instance', async () => {
    // Every instance revokes its own tokens at the same time, each many in flight.
    const perInstance = 20;
    const made = await Promise.all(
      fleet.map((by, n) =>
        Promise.all(
          Array.from({ length: perInstance }, async (_, i) => {
            const jti = `concurrent-${n}-${i}-${randomUUID()}`;
            const jwt = await token(jti);
            const at = await by.revoke(jti, exp());
            return { jti, jwt, at };
          }),
        ),
      ),
    );
    const all = made.flat();
    expect(all).toHaveLength(fleet.length * perInstance);
    revoked.push(...all);
    const last = Math.max(...all.map((r) => r.at));
    for (const { jwt } of all) await untilRefused(fleet, jwt, last + MAX_STALENESS + CLOCK_MARGIN);
    await pastStaleness(last);
    await expectEvery(
      fleet,
      all.map((r) => r.jwt),
      401,
    );
    await expectEvery(fleet, kept, 200);
  });

  it('refuses every earlier revocation on an instance started afterwards, from its start-up load', async () => {
    // More revocations than one ZSCAN page of the load (COUNT 1000), written from this process.
    const writer = await redisDenyList({ client, prefix: config.prefix });
    try {
      const bulk = Array.from({ length: 2500 }, (_, i) => `bulk-${i}-${randomUUID()}`);
      for (let i = 0; i < bulk.length; i += 250) {
        await Promise.all(bulk.slice(i, i + 250).map((jti) => writer.revoke(jti, exp())));
      }
      expect(revoked.length).toBeGreaterThan(0);
      const [late] = await fleetOf(1, config);
      // Its first answers: nothing was published since it started, so only the load can know.
      for (const { jwt } of revoked) expect(await late!.verify(jwt)).toBe(401);
      const sample = bulk.filter((_, i) => i % 25 === 0 || i === bulk.length - 1);
      for (const jti of sample) expect(await late!.verify(await token(jti))).toBe(401);
      for (const jwt of kept) expect(await late!.verify(jwt)).toBe(200);

      // It takes part from now on: a revocation on it reaches the others, and theirs reach it.
      const everyone = [...fleet, late!];
      for (const by of [late!, fleet[0]!]) {
        const jti = `after-join-${randomUUID()}`;
        const jwt = await token(jti);
        const at = await by.revoke(jti, exp());
        await untilRefused(everyone, jwt, at + MAX_STALENESS + CLOCK_MARGIN);
        await pastStaleness(at);
        await expectEvery(everyone, [jwt], 401);
      }
      await expectEvery(everyone, kept, 200);
    } finally {
      await writer.close();
    }
  });
});
