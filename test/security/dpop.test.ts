// DPoP (RFC 9449) end to end, on every app of the test kit (Express 5 and 4, Koa 3 and 2, Fastify 5
// and 4, Hono in memory and on @hono/node-server, with middleware and with withAuth(), and
// @portcullis/fetch's withAuth() in memory and on @hono/node-server): a token bound to a key
// (`cnf.jkt`) is accepted with a proof of that key for this very request, and refused with a
// `WWW-Authenticate: DPoP` challenge for every broken proof, a replayed one, two proofs, a proof
// for another URL (the Host header never names the origin; a mounted route is checked on the
// path as received), over Bearer, and (with `required`) for any bearer token. No answer carries a
// part of the proof; everything answered is fed to the leak check.
import { getRequestListener } from '@hono/node-server';
import { Router } from '@koa/router';
import {
  type Authenticator,
  AuthErrorCodes as C,
  createAuthenticator,
  type DpopOptions,
  jwt,
  type Principal,
} from '@portcullis/core';
import * as express from '@portcullis/express';
import * as fastify from '@portcullis/fastify';
import * as fetch from '@portcullis/fetch';
import * as hono from '@portcullis/hono';
import * as koa from '@portcullis/koa';
import {
  type Answer,
  type AppSpec,
  inMemory,
  listen,
  type RequestHeaders,
  type Target,
} from '@portcullis/test-kit';
import { listenFastify } from '@portcullis/test-kit/fastify';
import { allTargets } from '@portcullis/test-kit/targets';
import {
  createDpopKey,
  createTestIssuer,
  DPOP_BROKEN_KINDS,
  type DpopBrokenKind,
  type DpopKey,
  type TestIssuer,
} from '@portcullis/testing';
import express5, { type Express, type RequestHandler } from 'express';
import express4 from 'express4';
import Fastify5, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import Fastify4 from 'fastify4';
import { type Context, Hono } from 'hono';
import Koa from 'koa';
import Koa2 from 'koa2';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { observe, secret, useLeakCheck } from './support/collector.js';

useLeakCheck();

const ORIGIN = 'https://api.example.test';
const ALGS = 'ES256 EdDSA RS256 PS256';
/** The challenge of a refused proof: realm, the accepted algorithms, `invalid_dpop_proof`. */
const PROOF_CHALLENGE = new RegExp(
  `^DPoP realm="api", algs="${ALGS}", error="invalid_dpop_proof", error_description="[^"]+"$`,
);

/** What each kind of broken proof is refused for (the audit reason). */
const REASONS: Record<DpopBrokenKind, string> = {
  'wrong-htm': 'dpop_htm',
  'wrong-htu': 'dpop_htu',
  'stale-iat': 'dpop_too_old',
  'future-iat': 'dpop_issued_in_future',
  'no-jti': 'dpop_jti',
  'wrong-ath': 'dpop_ath',
  'no-ath': 'dpop_ath',
  'other-key': 'dpop_signature',
  'private-jwk': 'dpop_private_key',
  hs256: 'dpop_alg',
  'alg-none': 'dpop_alg',
  'wrong-typ': 'dpop_typ',
  'no-jwk': 'dpop_jwk',
  'bad-signature': 'dpop_signature',
};

let issuer: TestIssuer;
let key: DpopKey;
beforeAll(async () => {
  issuer = await createTestIssuer();
  key = await createDpopKey();
});

/** An authenticator with `jwt({ dpop })`, and the audit events it emitted. */
interface Auth {
  authenticator: Authenticator;
  events: { code: string; reason?: string | undefined }[];
}

function dpopAuth(dpop: Partial<DpopOptions> = {}): Auth {
  const events: Auth['events'] = [];
  const authenticator = createAuthenticator({
    methods: [jwt({ ...issuer.jwtOptions, dpop: { origin: ORIGIN, ...dpop } })],
    onEvent: (event) => {
      events.push(event);
      observe('event', event);
    },
  });
  return { authenticator, events };
}

/** The handler's answer: who, and the key the token was confirmed with. */
const seen = (principal: Principal | undefined) => ({
  subject: principal?.subject ?? null,
  confirmation: principal?.confirmation ?? null,
});

const SPEC: AppSpec = {
  routes: [{ path: '/orders/:id', methods: ['GET', 'POST'] }],
  answer: seen,
  catchErrors: true,
};

/**
 * Watch a token or proof for leaks: the whole of it and each segment; of a proof, its `jti` too
 * (the token's `jti` is an identifier the audit trail names on purpose).
 */
function watch(value: string, kind: 'token' | 'proof'): void {
  secret(value);
  for (const part of value.split('.')) if (part.length >= 16) secret(part);
  if (kind === 'token') return;
  const payload = JSON.parse(Buffer.from(value.split('.')[1]!, 'base64url').toString()) as {
    jti?: unknown;
  };
  if (typeof payload.jti === 'string') secret(payload.jti);
}

/** A bound token, watched. */
async function boundToken(bound: DpopKey = key): Promise<string> {
  const token = await issuer.sign({ scope: 'orders:read' }, { dpop: bound });
  watch(token, 'token');
  return token;
}

/** A proof for `method` and the path on the configured origin, watched. */
async function proofFor(
  method: string,
  path: string,
  token: string,
  extra: { broken?: DpopBrokenKind; url?: string; by?: DpopKey } = {},
): Promise<string> {
  const by = extra.by ?? key;
  const proof = await by.proof({
    method,
    url: extra.url ?? `${ORIGIN}${path}`,
    token,
    ...(extra.broken === undefined ? {} : { broken: extra.broken }),
  });
  watch(proof, 'proof');
  return proof;
}

/** An answer, observed by the leak check, with the audit event it caused. */
interface Seen extends Answer {
  code: string | undefined;
  reason: string | undefined;
}

async function send(
  app: Target,
  auth: Auth,
  method: string,
  path: string,
  headers: RequestHeaders,
): Promise<Seen> {
  const before = auth.events.length;
  const answer = await app.request(method, path, headers);
  observe('response', { status: answer.status, headers: answer.headers, body: answer.body });
  const event = auth.events.slice(before).at(-1);
  return { ...answer, code: event?.code, reason: event?.reason };
}

const dpopHeaders = (token: string, proof: string | string[]): [string, string][] => [
  ['authorization', `DPoP ${token}`],
  ...(typeof proof === 'string' ? [proof] : proof).map((p): [string, string] => ['dpop', p]),
];

const context = (a: Seen) => `${a.status} ${a.code} ${a.reason} ${a.headers['www-authenticate']}`;

function expectOk(answer: Seen): void {
  expect(answer.status, context(answer)).toBe(200);
  expect(answer.json).toEqual({ subject: 'test-subject', confirmation: { jkt: key.thumbprint } });
  expect(answer.code).toBe('OK');
}

/** A 401 `invalid_dpop_proof` with its DPoP challenge, for `reason`, nothing escaped. */
function expectBadProof(answer: Seen, reason: string, code: string = C.DPOP_PROOF_INVALID): void {
  expect(answer.status, context(answer)).toBe(401);
  expect(answer.headers['x-escaped']).toBeUndefined();
  expect(answer.headers['www-authenticate']).toMatch(PROOF_CHALLENGE);
  expect((answer.json as { error?: unknown }).error).toBe('invalid_dpop_proof');
  expect({ code: answer.code, reason: answer.reason }).toEqual({ code, reason });
}

/** Nothing of `proof` (a segment, its `jti`) in the answer's headers or body. */
function expectNothingOf(proof: string, answer: Answer): void {
  const text = JSON.stringify(answer.headers) + answer.body;
  const parts = proof.split('.').filter((p) => p.length >= 8);
  for (const part of parts) expect(text).not.toContain(part);
  const payload = JSON.parse(Buffer.from(proof.split('.')[1]!, 'base64url').toString()) as {
    jti?: unknown;
    ath?: unknown;
  };
  for (const value of [payload.jti, payload.ath]) {
    if (typeof value === 'string') expect(text).not.toContain(value);
  }
}

/** A running app for this test only. */
async function started(made: Promise<Target> | Target): Promise<Target> {
  const app = await made;
  onTestFinished(() => app.close());
  return app;
}

const NODE_TARGET = /Express|Koa|Fastify|node-server/;

/** Every app of the test kit. */
const TARGETS = allTargets({ express, koa, hono, fastify, fetch });

describe.each(TARGETS)('%s: jwt({ dpop })', (name, factory) => {
  let auth: Auth;
  let app: Target;
  beforeAll(async () => {
    auth = dpopAuth();
    app = await factory(auth.authenticator, SPEC);
    return () => app.close();
  });

  it('accepts a bound token with a proof for this request, and gives its confirmation', async () => {
    const token = await boundToken();
    expectOk(
      await send(
        app,
        auth,
        'GET',
        '/orders/7',
        dpopHeaders(token, await proofFor('GET', '/orders/7', token)),
      ),
    );
    // The query is not part of `htu`; the method is.
    const post = await proofFor('POST', '/orders/7', token);
    expectOk(await send(app, auth, 'POST', '/orders/7?expand=items', dpopHeaders(token, post)));
    // A cached token still needs a fresh proof each time.
    const again = await proofFor('GET', '/orders/7', token);
    expectOk(await send(app, auth, 'GET', '/orders/7', dpopHeaders(token, again)));
  });

  it.each(DPOP_BROKEN_KINDS)(
    'refuses a %s proof, with nothing of it in the answer',
    async (broken) => {
      const token = await boundToken();
      const proof = await proofFor('GET', '/orders/7', token, { broken });
      const answer = await send(app, auth, 'GET', '/orders/7', dpopHeaders(token, proof));
      expectBadProof(answer, REASONS[broken]);
      expectNothingOf(proof, answer);
    },
  );

  it('refuses the same proof the second time', async () => {
    const token = await boundToken();
    const proof = await proofFor('GET', '/orders/7', token);
    expectOk(await send(app, auth, 'GET', '/orders/7', dpopHeaders(token, proof)));
    const replayed = await send(app, auth, 'GET', '/orders/7', dpopHeaders(token, proof));
    expectBadProof(replayed, 'dpop_replayed', C.DPOP_PROOF_REPLAYED);
    expectNothingOf(proof, replayed);
  });

  it('accepts exactly one of 50 concurrent requests with one proof', async () => {
    const token = await boundToken();
    const proof = await proofFor('GET', '/orders/7', token);
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        send(app, auth, 'GET', '/orders/7', dpopHeaders(token, proof)),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 401)).toHaveLength(49);
    for (const a of answers.filter((x) => x.status === 401)) {
      expect(a.headers['www-authenticate']).toMatch(PROOF_CHALLENGE);
    }
  });

  it('refuses a bound token over Bearer, with or without a proof', async () => {
    const token = await boundToken();
    const cases: Record<string, string>[] = [
      { authorization: `Bearer ${token}` },
      { authorization: `Bearer ${token}`, dpop: await proofFor('GET', '/orders/7', token) },
    ];
    for (const headers of cases) {
      const answer = await send(app, auth, 'GET', '/orders/7', headers);
      expect(answer.status, context(answer)).toBe(401);
      expect(answer.code).toBe(C.JWT_SENDER_CONSTRAINED);
      expect(answer.headers['www-authenticate']).toContain('error="invalid_token"');
    }
    // A token bound to no key is still a bearer token where DPoP is optional.
    const plain = await issuer.sign({ scope: 'orders:read' });
    watch(plain, 'token');
    const bearer = await send(app, auth, 'GET', '/orders/7', { authorization: `Bearer ${plain}` });
    expect(bearer.status, context(bearer)).toBe(200);
  });

  it('refuses two DPoP headers, even two good proofs', async () => {
    const token = await boundToken();
    const proofs = [
      await proofFor('GET', '/orders/7', token),
      await proofFor('GET', '/orders/7', token),
    ];
    const answer = await send(app, auth, 'GET', '/orders/7', dpopHeaders(token, proofs));
    expectBadProof(answer, 'dpop_malformed');
    for (const proof of proofs) expectNothingOf(proof, answer);
  });

  it('takes the origin from the configuration, never from Host or forwarding headers', async () => {
    const token = await boundToken();
    const host = 'evil.example';
    const hostOnly: [string, string][] = [['host', host]];
    const forwarded: [string, string][] = [
      ...hostOnly,
      ['x-forwarded-host', host],
      ['x-forwarded-proto', 'http'],
      ['forwarded', `host=${host};proto=http`],
    ];
    for (const extra of [hostOnly, forwarded]) {
      const good = await proofFor('GET', '/orders/7', token);
      expectOk(await send(app, auth, 'GET', '/orders/7', [...dpopHeaders(token, good), ...extra]));
      for (const url of [`http://${host}/orders/7`, `https://${host}/orders/7`]) {
        const proof = await proofFor('GET', '/orders/7', token, { url });
        const headers = [...dpopHeaders(token, proof), ...extra];
        expectBadProof(await send(app, auth, 'GET', '/orders/7', headers), 'dpop_htu');
      }
    }
  });

  it.runIf(NODE_TARGET.test(name))(
    'reads only the path of an absolute-form request target',
    async () => {
      const token = await boundToken();
      const target = 'http://evil.example/orders/7';
      expectOk(
        await send(
          app,
          auth,
          'GET',
          target,
          dpopHeaders(token, await proofFor('GET', '/orders/7', token)),
        ),
      );
      const proof = await proofFor('GET', '/orders/7', token, { url: target });
      expectBadProof(await send(app, auth, 'GET', target, dpopHeaders(token, proof)), 'dpop_htu');
    },
  );

  it('with required, refuses any bearer token', async () => {
    const strict = dpopAuth({ required: true });
    const strictApp = await started(factory(strict.authenticator, SPEC));
    const plain = await issuer.sign({ scope: 'orders:read' });
    watch(plain, 'token');
    const answer = await send(strictApp, strict, 'GET', '/orders/7', {
      authorization: `Bearer ${plain}`,
    });
    expect(answer.status, context(answer)).toBe(401);
    expect(answer.code).toBe(C.DPOP_REQUIRED);
    expect(answer.headers['www-authenticate']).toMatch(
      new RegExp(`^DPoP realm="api", algs="${ALGS}", error="invalid_token"`),
    );
    const token = await boundToken();
    expectOk(
      await send(
        strictApp,
        strict,
        'GET',
        '/orders/7',
        dpopHeaders(token, await proofFor('GET', '/orders/7', token)),
      ),
    );
  });
});

// Routes mounted under a prefix, each framework's way: the proof's `htu` is checked against the
// whole path as the client sent it, never the path the router handed the route.
const PREFIX = '/api/v1';

function expressMounted(framework: typeof express5, as: 'router' | 'sub-app', auth: Authenticator) {
  const app: Express = framework();
  const handler: RequestHandler = (req, res) => {
    res.json(seen(req.auth));
  };
  if (as === 'router') {
    const router = framework.Router();
    router.get('/orders/:id', express.authenticate(auth), handler);
    app.use(PREFIX, router);
  } else {
    const sub = framework();
    sub.get('/orders/:id', express.authenticate(auth), handler);
    app.use(PREFIX, sub);
  }
  return listen(app);
}

function koaMounted(make: () => Koa, as: 'prefix' | 'nested' | 'mount', auth: Authenticator) {
  const app = make();
  app.silent = true;
  const handler = (ctx: Koa.Context) => {
    ctx.body = seen(ctx.state.auth as Principal | undefined);
  };
  if (as === 'prefix') {
    const router = new Router({ prefix: PREFIX });
    router.get('/orders/:id', koa.authenticate(auth), handler);
    app.use(router.routes());
  } else if (as === 'nested') {
    const inner = new Router();
    inner.get('/orders/:id', koa.authenticate(auth), handler);
    const outer = new Router();
    outer.use(PREFIX, inner.routes());
    app.use(outer.routes());
  } else {
    // What koa-mount does: strip the prefix from `ctx.path` (and so from `ctx.req.url`) while the
    // mounted app runs.
    const inner = new Router();
    inner.get('/orders/:id', koa.authenticate(auth), handler);
    const routes = inner.routes();
    app.use(async (ctx, next) => {
      if (!ctx.path.startsWith(`${PREFIX}/`)) return next();
      const original = ctx.path;
      ctx.path = ctx.path.slice(PREFIX.length);
      try {
        await routes(ctx as Parameters<typeof routes>[0], async () => {});
      } finally {
        ctx.path = original;
      }
    });
  }
  return listen(app.callback());
}

/** A Fastify app of one major, with these server options. */
type MakeFastify = (options: FastifyServerOptions) => FastifyInstance;
const FASTIFY_5: MakeFastify = (options) => Fastify5(options);
const FASTIFY_4: MakeFastify = (options) =>
  Fastify4(options as never) as unknown as FastifyInstance;

function fastifyMounted(make: MakeFastify, as: 'prefix' | 'rewriteUrl', auth: Authenticator) {
  const app =
    as === 'prefix'
      ? make({})
      : // What a proxy-style rewrite does: strip the prefix from the URL Fastify routes.
        make({
          rewriteUrl: (req) =>
            req.url?.startsWith(`${PREFIX}/`) ? req.url.slice(PREFIX.length) : (req.url ?? '/'),
        });
  const routes = async (api: FastifyInstance) => {
    api.get('/orders/:id', { onRequest: fastify.authenticate(auth) }, async (request) =>
      seen(request.auth ?? undefined),
    );
  };
  app.register(routes, as === 'prefix' ? { prefix: PREFIX } : {});
  return listenFastify(app);
}

function honoMounted(
  as: 'middleware' | 'withAuth',
  runtime: 'memory' | 'node-server',
  auth: Authenticator,
) {
  const api = new Hono();
  const handler = (c: Context) => c.json(seen((c.var as { auth?: Principal }).auth));
  if (as === 'middleware') api.get('/orders/:id', hono.authenticate(auth), handler);
  else api.get('/orders/:id', hono.withAuth(auth, handler));
  const app = new Hono();
  app.route(PREFIX, api);
  return runtime === 'memory' ? inMemory(app) : listen(getRequestListener(app.fetch));
}

const MOUNTED: ReadonlyArray<readonly [string, (auth: Authenticator) => Promise<Target> | Target]> =
  [
    ['Express 5 router', (a) => expressMounted(express5, 'router', a)],
    ['Express 4 router', (a) => expressMounted(express4, 'router', a)],
    ['Express 5 sub-app', (a) => expressMounted(express5, 'sub-app', a)],
    ['Express 4 sub-app', (a) => expressMounted(express4, 'sub-app', a)],
    ['Koa 3 router prefix', (a) => koaMounted(() => new Koa(), 'prefix', a)],
    ['Koa 2 router prefix', (a) => koaMounted(() => new Koa2(), 'prefix', a)],
    ['Koa 3 nested router', (a) => koaMounted(() => new Koa(), 'nested', a)],
    ['Koa 3 mount (path stripped)', (a) => koaMounted(() => new Koa(), 'mount', a)],
    ['Koa 2 mount (path stripped)', (a) => koaMounted(() => new Koa2(), 'mount', a)],
    ['Fastify 5 register prefix', (a) => fastifyMounted(FASTIFY_5, 'prefix', a)],
    ['Fastify 4 register prefix', (a) => fastifyMounted(FASTIFY_4, 'prefix', a)],
    ['Fastify 5 rewriteUrl (path stripped)', (a) => fastifyMounted(FASTIFY_5, 'rewriteUrl', a)],
    ['Fastify 4 rewriteUrl (path stripped)', (a) => fastifyMounted(FASTIFY_4, 'rewriteUrl', a)],
    ['Hono app.route()', (a) => honoMounted('middleware', 'memory', a)],
    ['Hono app.route() on @hono/node-server', (a) => honoMounted('middleware', 'node-server', a)],
    ['Hono app.route() withAuth()', (a) => honoMounted('withAuth', 'memory', a)],
    [
      'Hono app.route() withAuth() on @hono/node-server',
      (a) => honoMounted('withAuth', 'node-server', a),
    ],
  ];

describe.each(MOUNTED)('%s: a route mounted under a prefix', (_name, mount) => {
  it('checks htu against the full path as received', async () => {
    const auth = dpopAuth();
    const app = await started(mount(auth.authenticator));
    const token = await boundToken();
    const full = `${PREFIX}/orders/7`;
    expectOk(
      await send(
        app,
        auth,
        'GET',
        `${full}?x=1`,
        dpopHeaders(token, await proofFor('GET', full, token)),
      ),
    );
    // A proof for the path the router stripped is a proof for another URL.
    const stripped = await proofFor('GET', '/orders/7', token);
    expectBadProof(await send(app, auth, 'GET', full, dpopHeaders(token, stripped)), 'dpop_htu');
  });
});
