import {
  type Actor,
  type Budget,
  createAuthenticator,
  type Principal,
  type RateLimitOptions,
} from '@portcullis/core';
import { fakeMethod } from '@portcullis/test-kit';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type AuthContext,
  type AuthHandler,
  type FetchHandler,
  type OptionalAuthContext,
  protectedResource,
  type WithAuthOptions,
  withAuth,
} from './index.js';

const authenticator = createAuthenticator({ methods: [fakeMethod()] });

describe('types', () => {
  it('types auth as the Principal, and the budget as possibly absent', () => {
    const handler = withAuth(
      (request, context) => {
        expectTypeOf(request).toEqualTypeOf<Request>();
        expectTypeOf(context).toEqualTypeOf<AuthContext>();
        expectTypeOf(context.auth).toEqualTypeOf<Principal>();
        expectTypeOf(context.budget).toEqualTypeOf<Budget | undefined>();
        return Response.json({ caller: context.auth.subject });
      },
      { authenticator, scopes: ['a'], budget: { quota: 5, period: 'day' } },
    );
    expectTypeOf(handler).toEqualTypeOf<(request: Request) => Promise<Response>>();
    expectTypeOf(handler).toEqualTypeOf<FetchHandler>();
  });

  it('types auth as possibly absent on an optional route, or when optional is a boolean', () => {
    withAuth(
      (_request, { auth }) => {
        expectTypeOf(auth).toEqualTypeOf<Principal | undefined>();
        return new Response(auth?.subject ?? 'anonymous');
      },
      { authenticator, optional: true },
    );
    const optional: boolean = Math.random() > 0.5;
    withAuth(
      (_request, context) => {
        expectTypeOf(context).toEqualTypeOf<OptionalAuthContext>();
        return new Response();
      },
      { authenticator, optional },
    );
    withAuth(
      (_request, { auth }) => {
        expectTypeOf(auth).toEqualTypeOf<Principal>();
        return new Response();
      },
      { authenticator, optional: false },
    );
  });

  it('keeps the extra arguments the handler declares, and a Request subclass', () => {
    interface Env {
      KV: { get(key: string): Promise<string | null> };
    }
    type Ctx = { waitUntil(promise: Promise<unknown>): void };
    const worker = withAuth(
      async (_request, { auth }, env: Env, ctx: Ctx) => {
        ctx.waitUntil(Promise.resolve());
        return new Response(await env.KV.get(auth.subject));
      },
      { authenticator },
    );
    expectTypeOf(worker).toEqualTypeOf<FetchHandler<Request, [env: Env, ctx: Ctx]>>();
    expectTypeOf(worker).parameters.toEqualTypeOf<[request: Request, env: Env, ctx: Ctx]>();

    class NextRequest extends Request {
      readonly nextUrl = new URL(this.url);
    }
    const GET = withAuth(
      async (request: NextRequest, { auth }, { params }: { params: Promise<{ id: string }> }) =>
        Response.json({ id: (await params).id, path: request.nextUrl.pathname, who: auth.subject }),
      { authenticator },
    );
    expectTypeOf(GET).returns.toEqualTypeOf<Promise<Response>>();
    expectTypeOf(GET).parameter(0).toEqualTypeOf<NextRequest>();
    const typed: AuthHandler<Request, [server: { upgrade(request: Request): boolean }]> = (
      request,
      { auth },
      server,
    ) => new Response(server.upgrade(request) ? null : auth.subject);
    expectTypeOf(withAuth(typed, { authenticator })).parameter(1).toEqualTypeOf<{
      upgrade(request: Request): boolean;
    }>();
  });

  it('types the options', () => {
    expectTypeOf<WithAuthOptions['rateLimit']>().toEqualTypeOf<RateLimitOptions | undefined>();
    expectTypeOf<WithAuthOptions['actors']>().toEqualTypeOf<
      readonly string[] | ((actor: Actor) => boolean) | undefined
    >();
    expectTypeOf(withAuth).toBeCallableWith(() => new Response(), {
      authenticator,
      anyScopes: ['a'],
      actors: ['agent:a'],
      tools: { tools: { pay: ['billing:write'] } },
      rateLimit: { limit: 5, window: 60 },
    });
    // Type errors only: never called.
    const mistakes = () => [
      // @ts-expect-error: the authenticator is required
      withAuth(() => new Response(), { scopes: ['a'] }),
      // @ts-expect-error: `auth` is possibly undefined on an optional route
      withAuth((_request, { auth }) => new Response(auth.subject), {
        authenticator,
        optional: true,
      }),
    ];
    expectTypeOf(mistakes).toBeFunction();
  });

  it('types protectedResource() as a function that may answer', () => {
    const metadata = protectedResource({
      resource: 'https://mcp.example.com',
      authorizationServers: ['https://a.example.com'],
    });
    expectTypeOf(metadata).toEqualTypeOf<(request: Request) => Response | undefined>();
  });
});
