import type { Authenticator, Budget, Principal } from '@portcullis/core';
import fastify5, {
  type FastifyInstance,
  type FastifyPluginCallback,
  type FastifyReply,
  type FastifyRequest,
  type HookHandlerDoneFunction,
} from 'fastify';
import fastify4 from 'fastify4';
import { type Answer, listen, type RequestHeaders, type Target } from './http.js';
import {
  type Adapter,
  type AppFactory,
  type AppSpec,
  ESCAPED_STATUS,
  escapedBody,
  guardsOf,
  methodsOf,
  respond,
} from './routes.js';

/** A callback-style Fastify hook, as every function of @portcullis/fastify returns. */
type Hook = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void;

/**
 * @portcullis/fastify: the names every adapter has (`authenticate()` an `onRequest` hook, the
 * guards and limits `preHandler` hooks, `protectedResource()` an `onRequest` hook), and the
 * `portcullis` plugin that decorates the request.
 */
export interface FastifyAdapter extends Adapter<Hook> {
  portcullis: FastifyPluginCallback<{ authenticator?: Authenticator }>;
}

/** Both majors, so a test runs on Fastify 5 and on Fastify 4 (`fastify4`, with its own types). */
export const FASTIFIES: ReadonlyArray<readonly [string, () => FastifyInstance]> = [
  ['Fastify 5', () => fastify5()],
  ['Fastify 4', () => fastify4() as unknown as FastifyInstance],
];

type Decorated = { auth?: Principal | null; budget?: Budget | null };

/**
 * A Fastify app with the spec's routes, built as a user would: the `portcullis` plugin
 * registered, `protectedResource()` an app-wide `onRequest` hook, each route with
 * `authenticate()` in `onRequest` and the guards and limits in `preHandler`.
 *
 * @example
 * ```ts
 * const app = fastifyApp(adapter, fakeKeysAuthenticator(), { routes: [{ path: '/me' }] });
 * await app.ready();
 * ```
 */
export function fastifyApp(
  adapter: FastifyAdapter,
  authenticator: Authenticator,
  spec: AppSpec,
  make: () => FastifyInstance = fastify5,
): FastifyInstance {
  const app = make();
  app.register(adapter.portcullis);
  if (spec.protectedResource !== undefined) {
    app.addHook(
      'onRequest',
      adapter.protectedResource({ ...spec.protectedResource, authenticator }),
    );
  }
  for (const route of spec.routes) {
    const onRequest: Hook[] = [];
    if (route.forge !== undefined) {
      const forged = route.forge;
      onRequest.push((request, _reply, done) => {
        (request as Decorated).auth = forged;
        done();
      });
    }
    if (route.auth !== false) onRequest.push(adapter.authenticate(authenticator, route.auth ?? {}));
    const preHandler = guardsOf(adapter, route);
    app.route({
      method: [...methodsOf(route)],
      url: route.path,
      onRequest,
      preHandler,
      handler(request, reply) {
        const { auth, budget } = request as Decorated;
        const done = respond(spec, route, auth ?? undefined, budget ?? undefined, (body) => {
          reply.send(body);
        });
        // Sent already: the promise resolves to nothing to send, or rejects to the error handler.
        return done instanceof Promise ? done : undefined;
      },
    });
  }
  if (spec.catchErrors) {
    app.setErrorHandler((err, _request, reply) => {
      reply.code(ESCAPED_STATUS).header('x-escaped', '1').send(escapedBody(err));
    });
  }
  return app;
}

/**
 * An {@link AppFactory} for one Fastify major, served over real HTTP on 127.0.0.1 (the app's
 * own routing behind the test server, which accepts 1 MiB of headers).
 *
 * @example
 * ```ts
 * const target = await fastifyTarget(fastify)(authenticator, { routes });
 * ```
 */
export function fastifyTarget(
  adapter: FastifyAdapter,
  make: () => FastifyInstance = fastify5,
): AppFactory {
  return async (authenticator, spec): Promise<Target> => {
    const app = fastifyApp(adapter, authenticator, spec, make);
    return listenFastify(app);
  };
}

/**
 * Serve a Fastify app over real HTTP on 127.0.0.1, once it is ready; `close()` closes both.
 *
 * @example
 * ```ts
 * const target = await listenFastify(app);
 * ```
 */
export async function listenFastify(app: FastifyInstance): Promise<Target> {
  await app.ready();
  const target = await listen((req, res) => app.routing(req, res));
  return {
    ...target,
    close: async () => {
      await target.close();
      await app.close();
    },
  };
}

/**
 * Serve a Fastify app, send one bodiless request, and close it: for a test that needs one answer.
 *
 * @example
 * ```ts
 * const answer = await fastifyOnce(app, 'GET', '/me', { 'x-api-key': 'fk_admin' });
 * ```
 */
export async function fastifyOnce(
  app: FastifyInstance,
  method: string,
  path: string,
  headers?: RequestHeaders,
): Promise<Answer> {
  const target = await listenFastify(app);
  try {
    return await target.request(method, path, headers);
  } finally {
    await target.close();
  }
}
