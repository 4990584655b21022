// The servers of the HTTP mode: one route, `GET /orders` answering a small JSON body, on Express,
// Koa, Hono or Fastify, with no auth, Portcullis, or the framework's most used peer middleware.

import { createPublicKey, createSecretKey } from 'node:crypto';
import { createServer } from 'node:http';
import fastifyJwt from '@fastify/jwt';
import { serve } from '@hono/node-server';
import express from 'express';
import { expressjwt } from 'express-jwt';
import { auth as oauth2Bearer } from 'express-oauth2-jwt-bearer';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { jwt as honoJwt } from 'hono/jwt';
import Koa from 'koa';
import koaJwt from 'koa-jwt';
import { AUDIENCE, ISSUER } from '../lib/keys.js';

const BODY = { orders: [{ id: 'o_1', total: 42 }] };

/** Which variants each framework runs, in order; the first is the no-auth baseline. */
export const VARIANTS = {
  // `empty-middleware`: no auth, one middleware that only passes the request on: what any auth
  // middleware costs before it does anything (on Hono, the first middleware turns a synchronous
  // answer into a promise, which @hono/node-server answers on a slower path).
  express: [
    'none',
    'empty-middleware',
    'portcullis',
    'express-jwt',
    'express-oauth2-jwt-bearer',
    'portcullis-api-key',
  ],
  koa: ['none', 'empty-middleware', 'portcullis', 'koa-jwt', 'portcullis-api-key'],
  // `portcullis-withauth`: the route's one handler wrapped in withAuth(), no middleware at all.
  hono: [
    'none',
    'empty-middleware',
    'portcullis',
    'portcullis-withauth',
    'hono/jwt',
    'portcullis-api-key',
  ],
  // `empty-hook`: no auth, one callback-style onRequest hook that only calls `done()`.
  fastify: ['none', 'empty-hook', 'portcullis', '@fastify/jwt', 'portcullis-api-key'],
  // A plain `(Request) => Response` handler on @hono/node-server (as Next.js route handlers,
  // Bun.serve, Deno.serve and Workers take one): no auth, @portcullis/fetch's withAuth(), or
  // jose's jwtVerify() written into the handler, the usual hand-rolled check.
  fetch: ['none', 'portcullis-withauth', 'jose', 'portcullis-api-key'],
};

/** Key material as sent to the child: `{ alg, secret }` or `{ alg, pem }`, plus `apiKeyHash`. */
function keyObjectOf(material) {
  return material.secret
    ? createSecretKey(Buffer.from(material.secret))
    : createPublicKey(material.pem);
}

async function portcullisAuthenticator(material, apiKeyOnly) {
  const core = await import('@portcullis/core');
  const methods = [];
  if (apiKeyOnly) {
    const record = { id: 'key_bench', subject: 'svc-bench', scopes: ['orders:read'] };
    methods.push(
      core.apiKey({ prefix: 'pcs', lookup: (h) => (h === material.apiKeyHash ? record : null) }),
    );
  } else {
    const options = { algorithms: [material.alg], issuer: ISSUER, audience: AUDIENCE };
    if (material.secret) options.secret = material.secret;
    else options.publicKey = keyObjectOf(material);
    methods.push(core.jwt(options));
  }
  return core.createAuthenticator({ methods });
}

async function webKey(material) {
  const algorithms = {
    HS256: { name: 'HMAC', hash: 'SHA-256' },
    RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    ES256: { name: 'ECDSA', namedCurve: 'P-256' },
    EdDSA: { name: 'Ed25519' },
  };
  return material.secret
    ? crypto.subtle.importKey('raw', Buffer.from(material.secret), algorithms.HS256, false, [
        'verify',
      ])
    : crypto.subtle.importKey(
        'jwk',
        createPublicKey(material.pem).export({ format: 'jwk' }),
        algorithms[material.alg],
        false,
        ['verify'],
      );
}

async function expressApp(variant, material) {
  const app = express();
  app.disable('x-powered-by');
  const guards = [];
  if (variant === 'portcullis' || variant === 'portcullis-api-key') {
    const { authenticate } = await import('@portcullis/express');
    guards.push(authenticate(await portcullisAuthenticator(material, variant !== 'portcullis')));
  } else if (variant === 'empty-middleware') {
    guards.push((_req, _res, next) => next());
  } else if (variant === 'express-jwt') {
    guards.push(
      expressjwt({
        secret: keyObjectOf(material),
        algorithms: [material.alg],
        issuer: ISSUER,
        audience: AUDIENCE,
      }),
    );
  } else if (variant === 'express-oauth2-jwt-bearer') {
    guards.push(
      oauth2Bearer(
        material.secret
          ? {
              issuer: ISSUER,
              audience: AUDIENCE,
              secret: material.secret,
              tokenSigningAlg: 'HS256',
            }
          : {
              issuer: ISSUER,
              audience: AUDIENCE,
              publicKey: material.pem,
              tokenSigningAlg: material.alg,
            },
      ),
    );
  }
  app.get('/orders', ...guards, (_req, res) => {
    res.json(BODY);
  });
  app.use((err, _req, res, _next) => {
    res.status(err.status ?? 500).json({ error: err.code ?? 'error' });
  });
  return createServer(app);
}

async function koaApp(variant, material) {
  const app = new Koa();
  if (variant === 'portcullis' || variant === 'portcullis-api-key') {
    const { authenticate } = await import('@portcullis/koa');
    app.use(authenticate(await portcullisAuthenticator(material, variant !== 'portcullis')));
  } else if (variant === 'empty-middleware') {
    app.use(async (_ctx, next) => {
      await next();
    });
  } else if (variant === 'koa-jwt') {
    app.use(
      koaJwt({
        secret: keyObjectOf(material),
        algorithms: [material.alg],
        issuer: ISSUER,
        audience: AUDIENCE,
      }),
    );
  }
  app.use((ctx) => {
    if (ctx.method === 'GET' && ctx.path === '/orders') ctx.body = BODY;
  });
  return createServer(app.callback());
}

async function honoApp(variant, material) {
  const app = new Hono();
  if (variant === 'portcullis' || variant === 'portcullis-api-key') {
    const { authenticate } = await import('@portcullis/hono');
    app.use(
      '/orders',
      authenticate(await portcullisAuthenticator(material, variant !== 'portcullis')),
    );
  } else if (variant === 'empty-middleware') {
    app.use('/orders', async (_c, next) => {
      await next();
    });
  } else if (variant === 'hono/jwt') {
    app.use(
      '/orders',
      honoJwt({
        secret: await webKey(material),
        alg: material.alg,
        verification: { iss: ISSUER, aud: AUDIENCE },
      }),
    );
  }
  if (variant === 'portcullis-withauth') {
    const { withAuth } = await import('@portcullis/hono');
    const authenticator = await portcullisAuthenticator(material, false);
    app.get(
      '/orders',
      withAuth(authenticator, (c) => c.json(BODY)),
    );
  } else {
    app.get('/orders', (c) => c.json(BODY));
  }
  return app;
}

async function fastifyApp(variant, material) {
  const app = Fastify();
  if (variant === 'portcullis' || variant === 'portcullis-api-key') {
    const { authenticate, portcullis } = await import('@portcullis/fastify');
    await app.register(portcullis);
    app.addHook(
      'onRequest',
      authenticate(await portcullisAuthenticator(material, variant !== 'portcullis')),
    );
  } else if (variant === 'empty-hook') {
    app.addHook('onRequest', (_request, _reply, done) => done());
  } else if (variant === '@fastify/jwt') {
    // The same key and algorithm, and the same issuer and audience checks.
    await app.register(fastifyJwt, {
      secret: material.secret ?? { public: material.pem },
      verify: { algorithms: [material.alg], allowedIss: ISSUER, allowedAud: AUDIENCE },
    });
    app.addHook('onRequest', async (request) => {
      await request.jwtVerify();
    });
  }
  app.get('/orders', (_request, reply) => {
    reply.send(BODY);
  });
  return app;
}

async function fetchHandler(variant, material) {
  const answer = () => Response.json(BODY);
  if (variant === 'portcullis-withauth' || variant === 'portcullis-api-key') {
    const { withAuth } = await import('@portcullis/fetch');
    const authenticator = await portcullisAuthenticator(
      material,
      variant !== 'portcullis-withauth',
    );
    return withAuth(answer, { authenticator });
  }
  if (variant === 'jose') {
    const { jwtVerify } = await import('jose');
    const key = await webKey(material);
    const options = { algorithms: [material.alg], issuer: ISSUER, audience: AUDIENCE };
    return async (request) => {
      const header = request.headers.get('authorization') ?? '';
      if (!header.startsWith('Bearer '))
        return Response.json({ error: 'invalid_token' }, { status: 401 });
      try {
        await jwtVerify(header.slice(7), key, options);
      } catch {
        return Response.json({ error: 'invalid_token' }, { status: 401 });
      }
      return answer();
    };
  }
  return answer;
}

/** Start the server on 127.0.0.1 and an ephemeral port; resolves to `{ port, close }`. */
export async function start(framework, variant, material) {
  if (framework === 'fastify') {
    const app = await fastifyApp(variant, material);
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { port: app.server.address().port, close: () => app.close() };
  }
  if (framework === 'hono' || framework === 'fetch') {
    const fetch =
      framework === 'hono'
        ? (await honoApp(variant, material)).fetch
        : await fetchHandler(variant, material);
    return new Promise((resolve) => {
      const server = serve({ fetch, hostname: '127.0.0.1', port: 0 }, (info) =>
        resolve({ port: info.port, close: () => server.close() }),
      );
    });
  }
  const server =
    framework === 'express' ? await expressApp(variant, material) : await koaApp(variant, material);
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({ port: server.address().port, close: () => server.close() }),
    );
  });
}
