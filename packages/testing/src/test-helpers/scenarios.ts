import { apiKey, createAuthenticator, jwt } from '@portcullis/core';
import type { AppFactory, AppSpec, RequestHeaders } from '@portcullis/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeAuthenticator } from '../fake-authenticator.js';
import { createKeyStore } from '../key-store.js';
import { testPrincipal } from '../principal.js';
import { BROKEN_TOKEN_KINDS, createTestIssuer } from '../test-issuer.js';

/**
 * The app on every framework (the test kit's harness): GET /invoices behind `authenticate()` and
 * `requireScope('billing:read')`, GET /maybe behind `authenticate(…, { optional: true })`, each
 * answering `{ auth: { subject, scopes, … } }` or `{ auth: null }` from the framework's principal.
 */
const APP: AppSpec = {
  routes: [
    { path: '/invoices', requireScope: ['billing:read'] },
    { path: '/maybe', auth: { optional: true } },
  ],
};

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The same assertions for every framework, so the three test files differ only in wiring. */
export function describeHelpers(framework: string, factory: AppFactory): void {
  describe(`@portcullis/testing with ${framework}`, () => {
    const closing: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const close of closing.splice(0)) await close();
    });
    /** A GET client for the app over `authenticator`: status, challenge and JSON body. */
    const makeClient = (authenticator: Parameters<AppFactory>[0]) => {
      const target = factory(authenticator, APP);
      closing.push(async () => (await target).close());
      return async (path: string, headers?: RequestHeaders) => {
        const res = await (await target).get(path, headers);
        return {
          status: res.status,
          challenge: res.headers['www-authenticate'] ?? null,
          body: res.json,
        };
      };
    };

    it('createTestIssuer: a signed token passes, a token without the scope gets 403', async () => {
      const issuer = await createTestIssuer();
      const get = makeClient(createAuthenticator({ methods: [jwt(issuer.jwtOptions)] }));
      const ok = await get('/invoices', bearer(await issuer.sign({ scope: 'billing:read' })));
      expect(ok).toMatchObject({
        status: 200,
        body: { auth: { subject: 'test-subject', scopes: ['billing:read'] } },
      });
      const denied = await get('/invoices', bearer(await issuer.sign({ scope: 'billing:write' })));
      expect(denied.status).toBe(403);
      expect(denied.challenge).toContain('error="insufficient_scope"');
    });

    it.each(BROKEN_TOKEN_KINDS)(
      'createTestIssuer: a %s token gets 401 invalid_token',
      async (broken) => {
        const issuer = await createTestIssuer({ algorithm: 'HS256' });
        const get = makeClient(createAuthenticator({ methods: [jwt(issuer.jwtOptions)] }));
        const answer = await get(
          '/invoices',
          bearer(await issuer.sign({ scope: 'billing:read' }, { broken })),
        );
        expect(answer.status).toBe(401);
        expect(answer.challenge).toContain('error="invalid_token"');
      },
    );

    it('createKeyStore: a key passes until it is revoked', async () => {
      const store = createKeyStore();
      const get = makeClient(createAuthenticator({ methods: [apiKey(store.apiKeyOptions)] }));
      const { key, id } = store.add({ subject: 'svc-billing', scopes: ['billing:read'] });
      expect(await get('/invoices', { 'x-api-key': key })).toMatchObject({
        status: 200,
        body: { auth: { subject: 'svc-billing', scopes: ['billing:read'] } },
      });
      store.revoke(id);
      const revoked = await get('/invoices', { 'x-api-key': key });
      expect(revoked.status).toBe(401);
      expect(revoked.challenge).toContain('error="invalid_token"');
    });

    it('fakeAuthenticator: the handler sees the principal, with no token at all', async () => {
      const get = makeClient(
        fakeAuthenticator(testPrincipal({ subject: 'agent-7', scopes: ['billing:read'] })),
      );
      expect(await get('/invoices')).toMatchObject({
        status: 200,
        body: { auth: { subject: 'agent-7', scopes: ['billing:read'] } },
      });
      expect(await get('/maybe')).toMatchObject({
        status: 200,
        body: { auth: { subject: 'agent-7' } },
      });
    });

    it('fakeAuthenticator: the real requireScope still answers 403', async () => {
      const get = makeClient(fakeAuthenticator(testPrincipal({ scopes: ['conversations:read'] })));
      const answer = await get('/invoices');
      expect(answer.status).toBe(403);
      expect(answer.challenge).toContain('scope="billing:read"');
    });

    it('fakeAuthenticator(null): 401 with a bare challenge, or no principal when optional', async () => {
      const get = makeClient(fakeAuthenticator(null, { realm: 'billing' }));
      expect(await get('/invoices')).toMatchObject({
        status: 401,
        challenge: 'Bearer realm="billing"',
      });
      expect(await get('/maybe')).toMatchObject({ status: 200, body: { auth: null } });
    });
  });
}
