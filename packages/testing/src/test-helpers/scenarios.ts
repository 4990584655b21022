import { type Authenticator, apiKey, createAuthenticator, jwt } from '@portcullis/core';
import { describe, expect, it } from 'vitest';
import { fakeAuthenticator } from '../fake-authenticator.js';
import { createKeyStore } from '../key-store.js';
import { testPrincipal } from '../principal.js';
import { BROKEN_TOKEN_KINDS, createTestIssuer } from '../test-issuer.js';

/** One answer, whatever the framework. */
export interface Answer {
  status: number;
  challenge: string | null;
  body: unknown;
}

/**
 * Builds an app on one framework with `authenticate(authenticator)` and two routes:
 * GET /invoices behind `requireScope('billing:read')`, answering `{ subject, scopes }` from the
 * framework's principal, and GET /maybe behind `authenticate(…, { optional: true })`, answering
 * `{ subject }` or `{ subject: null }`. Returns a function that sends a GET with headers.
 */
export type MakeClient = (
  authenticator: Authenticator,
) => (path: string, headers?: Record<string, string>) => Promise<Answer>;

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The same assertions for every framework, so the three test files differ only in wiring. */
export function describeHelpers(framework: string, makeClient: MakeClient): void {
  describe(`@portcullis/testing with ${framework}`, () => {
    it('createTestIssuer: a signed token passes, a token without the scope gets 403', async () => {
      const issuer = await createTestIssuer();
      const get = makeClient(createAuthenticator({ methods: [jwt(issuer.jwtOptions)] }));
      const ok = await get('/invoices', bearer(await issuer.sign({ scope: 'billing:read' })));
      expect(ok).toMatchObject({
        status: 200,
        body: { subject: 'test-subject', scopes: ['billing:read'] },
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
        body: { subject: 'svc-billing', scopes: ['billing:read'] },
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
        body: { subject: 'agent-7', scopes: ['billing:read'] },
      });
      expect(await get('/maybe')).toMatchObject({ status: 200, body: { subject: 'agent-7' } });
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
      expect(await get('/maybe')).toMatchObject({ status: 200, body: { subject: null } });
    });
  });
}
