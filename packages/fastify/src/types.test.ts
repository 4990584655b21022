import { createAuthenticator, type Principal } from '@portcullis/core';
import { fakeMethod } from '@portcullis/test-kit';
import fastify, {
  type FastifyInstance,
  type FastifyPluginCallback,
  type FastifyRequest,
  type FastifyTypeProvider,
  type onRequestHookHandler,
  type preHandlerHookHandler,
} from 'fastify';
import { describe, expectTypeOf, it } from 'vitest';
import portcullis, {
  type AuthenticateOptions,
  authenticate,
  type Budget,
  budget,
  type PortcullisHook,
  type PortcullisPluginOptions,
  protectedResource,
  rateLimit,
  requireActor,
  requireAnyScope,
  requireScope,
  requireToolScopes,
} from './index.js';

const auth = createAuthenticator({ methods: [fakeMethod()] });

// A type provider as @fastify/type-provider-typebox and fastify-type-provider-zod declare one.
interface StringProvider extends FastifyTypeProvider {
  validator: this['schema'] extends { type: 'string' } ? string : unknown;
  serializer: this['schema'] extends { type: 'string' } ? string : unknown;
}

describe('types', () => {
  it('types request.auth and request.budget by declaration merging', () => {
    expectTypeOf<FastifyRequest['auth']>().toEqualTypeOf<Principal | null | undefined>();
    expectTypeOf<FastifyRequest['budget']>().toEqualTypeOf<Budget | null | undefined>();
    fastify().get('/', { onRequest: authenticate(auth) }, async (request) => {
      expectTypeOf(request.auth).toEqualTypeOf<Principal | null | undefined>();
      if (request.auth) expectTypeOf(request.auth.scopes).toEqualTypeOf<readonly string[]>();
      const state = await request.budget?.charge(2);
      expectTypeOf(state?.remaining).toEqualTypeOf<number | undefined>();
      return request.auth?.subject;
    });
  });

  it('returns callback-style hooks for onRequest and preHandler', () => {
    for (const hook of [
      authenticate(auth),
      authenticate(auth, { optional: true, errors: 'throw' }),
      requireScope('a'),
      requireAnyScope('a', 'b'),
      requireActor('agent'),
      requireActor((actor) => actor.subject === 'agent'),
      rateLimit({ limit: 5, window: 60 }),
      budget({ quota: 5, period: 'day' }),
      requireToolScopes({ tools: {} }),
      protectedResource({
        resource: 'https://mcp.example.com',
        authorizationServers: ['https://a.example.com'],
      }),
    ]) {
      expectTypeOf(hook).toEqualTypeOf<PortcullisHook>();
      expectTypeOf(hook).toExtend<onRequestHookHandler>();
      expectTypeOf(hook).toExtend<preHandlerHookHandler>();
    }
    expectTypeOf<AuthenticateOptions['errors']>().toEqualTypeOf<'respond' | 'throw' | undefined>();
  });

  it('fits addHook, route options, typed routes and type providers', () => {
    const app = fastify();
    app.addHook('onRequest', authenticate(auth));
    app.addHook('preHandler', requireScope('a'));
    app.get<{ Querystring: { page: string }; Params: { id: string } }>(
      '/orders/:id',
      {
        onRequest: [authenticate(auth)],
        preHandler: [requireScope('a'), rateLimit({ limit: 5, window: 60 })],
      },
      async (request) => {
        expectTypeOf(request.query.page).toEqualTypeOf<string>();
        return request.auth?.subject;
      },
    );
    app.withTypeProvider<StringProvider>().post(
      '/echo',
      {
        schema: { body: { type: 'string' } },
        onRequest: authenticate(auth),
        preHandler: requireAnyScope('a'),
      },
      async (request) => {
        expectTypeOf(request.body).toEqualTypeOf<string>();
        return request.body;
      },
    );
  });

  it('types the plugin, its options and app.authenticate', () => {
    expectTypeOf(portcullis).toExtend<FastifyPluginCallback<PortcullisPluginOptions>>();
    const app: FastifyInstance = fastify();
    app.register(portcullis, { authenticator: auth, errors: 'throw' });
    app.register(portcullis);
    expectTypeOf(app.authenticate).toEqualTypeOf<PortcullisHook>();
    app.get('/', { onRequest: app.authenticate }, async (request) => request.auth);
  });
});
