// DPoP proof replay across instances: two API instances (each its own authenticator, app and
// Redis connection) share redisReplayStore() on the machine's shared Redis under a key prefix of
// this run. One proof is accepted exactly once fleet-wide, however its copies are spread over
// the instances and however many arrive at once; distinct proofs are all accepted. The shared
// Redis is never broken, and every key of the prefix is deleted at the end.
import { createAuthenticator, jwt } from '@portcullis/core';
import * as express from '@portcullis/express';
import * as fastify from '@portcullis/fastify';
import * as fetch from '@portcullis/fetch';
import * as hono from '@portcullis/hono';
import * as koa from '@portcullis/koa';
import { redisReplayStore } from '@portcullis/redis';
import type { AppSpec, Target } from '@portcullis/test-kit';
import { connectClient, type TestClient, uniquePrefix } from '@portcullis/test-kit/redis';
import { targetNamed } from '@portcullis/test-kit/targets';
import {
  createDpopKey,
  createTestIssuer,
  type DpopKey,
  type TestIssuer,
} from '@portcullis/testing';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ORIGIN = 'https://api.example.test';
const PATH = '/orders/7';
const prefix = uniquePrefix('dpop-replay');

const SPEC: AppSpec = {
  routes: [{ path: '/orders/:id' }],
  answer: (principal) => ({ jkt: principal?.confirmation?.jkt ?? null }),
  catchErrors: true,
};

let issuer: TestIssuer;
let key: DpopKey;
const clients: TestClient[] = [];
const instances: Target[] = [];

/** One API instance on `target`: its own Redis connection, replay store and authenticator. */
async function instance(target: string): Promise<Target> {
  const client = await connectClient();
  clients.push(client);
  const authenticator = createAuthenticator({
    methods: [
      jwt({
        ...issuer.jwtOptions,
        dpop: { origin: ORIGIN, replay: redisReplayStore({ client, prefix }) },
      }),
    ],
  });
  const app = await targetNamed({ express, koa, hono, fastify, fetch }, target)(
    authenticator,
    SPEC,
  );
  instances.push(app);
  return app;
}

beforeAll(async () => {
  [issuer, key] = await Promise.all([createTestIssuer(), createDpopKey()]);
});

afterAll(async () => {
  await Promise.all(instances.map((app) => app.close()));
  const cleaner = clients[0];
  if (cleaner !== undefined) {
    for await (const keys of cleaner.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
      if (keys.length > 0) await cleaner.del(keys);
    }
  }
  await Promise.all(clients.map((client) => client.close()));
}, 20_000);

async function request(): Promise<{ token: string; headers: Record<string, string> }> {
  const token = await issuer.sign({}, { dpop: key });
  const dpop = await key.proof({ method: 'GET', url: `${ORIGIN}${PATH}`, token });
  return { token, headers: { authorization: `DPoP ${token}`, dpop } };
}

describe('two instances, each with its own in-memory store (the control)', () => {
  it('both accept one proof: a replay store must be shared to be fleet-wide', async () => {
    const own = () =>
      targetNamed({ express, koa, hono, fastify, fetch }, 'Express 5')(
        createAuthenticator({ methods: [jwt({ ...issuer.jwtOptions, dpop: { origin: ORIGIN } })] }),
        SPEC,
      );
    const [a, b] = await Promise.all([own(), own()]);
    instances.push(a, b);
    const { headers } = await request();
    expect([(await a.get(PATH, headers)).status, (await b.get(PATH, headers)).status]).toEqual([
      200, 200,
    ]);
  });
});

describe('two instances sharing redisReplayStore()', () => {
  let a: Target;
  let b: Target;
  let c: Target;
  beforeAll(async () => {
    [a, b, c] = await Promise.all([
      instance('Express 5'),
      instance('Hono on @hono/node-server'),
      instance('fetch withAuth() on @hono/node-server'),
    ]);
  });

  it('accept a proof on one and refuse it on the other', async () => {
    const { headers } = await request();
    const first = await a.get(PATH, headers);
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ jkt: key.thumbprint });
    const replayed = await b.get(PATH, headers);
    expect(replayed.status).toBe(401);
    expect(replayed.headers['www-authenticate']).toMatch(/^DPoP .*error="invalid_dpop_proof"/);
    expect((await a.get(PATH, headers)).status).toBe(401);
  });

  it('refuse on a fetch withAuth() instance a proof another instance accepted, and the reverse', async () => {
    const first = await request();
    expect((await a.get(PATH, first.headers)).status).toBe(200);
    expect((await c.get(PATH, first.headers)).status).toBe(401);
    const second = await request();
    expect((await c.get(PATH, second.headers)).status).toBe(200);
    expect((await b.get(PATH, second.headers)).status).toBe(401);
  });

  it('refuse on a Fastify instance a proof another instance accepted, and the reverse', async () => {
    const d = await instance('Fastify 5');
    const first = await request();
    expect((await d.get(PATH, first.headers)).status).toBe(200);
    expect((await a.get(PATH, first.headers)).status).toBe(401);
    const second = await request();
    expect((await b.get(PATH, second.headers)).status).toBe(200);
    expect((await d.get(PATH, second.headers)).status).toBe(401);
  });

  it('accept exactly one of 50 concurrent requests with one proof, spread over both', async () => {
    const { headers } = await request();
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? a : b).get(PATH, headers)),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 401)).toHaveLength(49);
    for (const answer of answers.filter((x) => x.status === 401)) {
      expect(answer.headers['www-authenticate']).toMatch(/error="invalid_dpop_proof"/);
    }
  });

  it('accept 50 distinct proofs sent at once, each once', async () => {
    const requests = await Promise.all(Array.from({ length: 50 }, () => request()));
    const answers = await Promise.all(
      requests.map(({ headers }, i) => (i % 2 === 0 ? a : b).get(PATH, headers)),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(50).fill(200));
  });

  it('keep a claimed proof in Redis, under the prefix, until it expires', async () => {
    const { headers } = await request();
    expect((await a.get(PATH, headers)).status).toBe(200);
    const { jti } = decodeJwt(headers.dpop!);
    const name = `${prefix}replay:${key.thumbprint}:${jti}`;
    const client = clients[0]!;
    expect(await client.exists(name)).toBe(1);
    // Kept for the proof's lifetime: at most maxAge (300 s) and the 5 s tolerance after `iat`.
    const ttl = await client.ttl(name);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(305);
  });
});
