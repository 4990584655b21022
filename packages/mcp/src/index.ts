// Portcullis behind the official MCP TypeScript SDK: its `requireBearerAuth()` asks an
// `OAuthTokenVerifier` for `verifyAccessToken(token) → AuthInfo`, and answers 401, 403 or 500
// by the class of the error it throws. `mcpTokenVerifier()` is that verifier over a Portcullis
// authenticator: the same API keys and JWT rules as the rest of the API, and the SDK's own errors.

import {
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  type OAuthError,
  ServerError,
} from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { OAuthTokenVerifier } from '@modelcontextprotocol/sdk/server/auth/provider.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { type AuthError, type Authenticator, isAuthError, type Principal } from '@portcullis/core';
import { checkHttpsUrl, checkOptions, type RequestView } from '@portcullis/core/adapter';

/**
 * Options of {@link mcpTokenVerifier}.
 *
 * @example
 * ```ts
 * const options: McpTokenVerifierOptions = { resource: 'https://mcp.example.com/mcp' };
 * ```
 */
export interface McpTokenVerifierOptions {
  /**
   * This MCP server's resource identifier (RFC 8707, RFC 9728): an absolute `https:` URL
   * (`http:` on localhost) without a fragment, set as `AuthInfo.resource` on every answer. The
   * authenticator's `jwt()` methods must accept tokens for it: include it in their `audience`,
   * so a token issued for another resource is refused (401) rather than passed on.
   */
  resource: string;
}

/** What `AuthInfo.extra` carries: who the caller is, never a credential or a claim value. */
export interface McpAuthExtra {
  /** `Principal.subject`: the API key record's subject, or the JWT's `sub`. */
  subject: string;
  /** How the caller authenticated: `'jwt'` or `'api_key'`. */
  method: Principal['method'];
  /** `Principal.tenant`, when the record or the configured claim names one. */
  tenant?: string;
}

const INTERNAL = 'Authentication failed on the server';

/** The SDK error `requireBearerAuth()` answers as Portcullis would: 400, 401, 403, else 500. */
function toSdkError(err: unknown): OAuthError {
  if (!isAuthError(err)) return Object.assign(new ServerError(INTERNAL), { cause: err });
  const known: AuthError = err;
  // Descriptions are safe to show (never a token, key or claim value); 5xx keep theirs too
  // ("Authentication is temporarily unavailable"): the SDK has no 503, so it answers 500.
  const error =
    known.status === 401
      ? new InvalidTokenError(known.message)
      : known.status === 403
        ? new InsufficientScopeError(known.message)
        : known.status === 400
          ? new InvalidRequestError(known.message)
          : new ServerError(known.status >= 500 ? known.message : INTERNAL);
  return Object.assign(error, { cause: known });
}

/**
 * The SDK's `AuthInfo` for a principal, as {@link mcpTokenVerifier} makes it: for an MCP server
 * behind `authenticate()` of `@portcullis/express`, whose `req.auth` is a Portcullis principal
 * while the SDK's transport hands `req.auth` to tool handlers as their `extra.authInfo`: replace
 * it just before `transport.handleRequest()`. `token` is the bearer token the principal came
 * from; `resource` is checked as in {@link mcpTokenVerifier} (`TypeError`).
 *
 * @example
 * ```ts
 * const token = /^Bearer +(\S+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? '';
 * if (req.auth) Object.assign(req, { auth: toAuthInfo(req.auth, { token, resource }) });
 * await transport.handleRequest(req, res, req.body);
 * ```
 */
export function toAuthInfo(
  principal: Principal,
  options: { token: string; resource: string },
): AuthInfo {
  checkOptions('toAuthInfo()', options, ['token', 'resource']);
  if (typeof options.token !== 'string') {
    throw new TypeError('toAuthInfo(): `token` must be the bearer token, a string');
  }
  return authInfoOf(
    options.token,
    principal,
    checkHttpsUrl('toAuthInfo(): `resource`', options.resource),
  );
}

function authInfoOf(token: string, principal: Principal, resource: URL): AuthInfo {
  const extra: McpAuthExtra = { subject: principal.subject, method: principal.method };
  if (principal.tenant !== undefined) extra.tenant = principal.tenant;
  const info: AuthInfo = {
    token,
    clientId: principal.client ?? principal.keyId ?? principal.subject,
    scopes: [...principal.scopes],
    resource: new URL(resource.href),
    extra: { ...extra },
  };
  if (principal.expiresAt !== undefined) {
    info.expiresAt = Math.floor(principal.expiresAt.getTime() / 1000);
  }
  return info;
}

/**
 * An `OAuthTokenVerifier` for the MCP SDK's `requireBearerAuth()`: each token is checked by
 * `authenticator` as `Authorization: Bearer <token>` (a JWT, or an API key the authenticator
 * accepts), and the principal becomes the `AuthInfo` the SDK puts in `req.auth` and hands to
 * tool handlers (`extra.authInfo`):
 *
 * - `token`; `clientId`: the token's client (`client_id`/`azp`), else the API key's id, else the
 *   subject; `scopes`; `expiresAt` in epoch seconds (absent for an API key without expiry,
 *   which `requireBearerAuth()` then refuses: it requires an expiry);
 * - `resource`: `new URL(resource)`, for `requireBearerAuth({ expectedResource })`;
 * - `extra`: `{ subject, method, tenant? }` ({@link McpAuthExtra}), never a secret.
 *
 * A refusal becomes the SDK's error for the same answer: 401 `InvalidTokenError`, 403
 * `InsufficientScopeError`, 400 `InvalidRequestError`, and a failure on the server side (503
 * from a deny-list or key lookup that cannot answer, 500) `ServerError`, which the SDK answers
 * 500. Messages are Portcullis's safe descriptions; the `AuthError` is the `cause`, for logs.
 *
 * `resource` is checked at once (`TypeError`). The authenticator's `jwt()` audience must include
 * it; `protectedResource()` of `@portcullis/express` checks that when given the authenticator.
 *
 * @example
 * ```ts
 * import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
 * const verifier = mcpTokenVerifier(authenticator, { resource: 'https://mcp.example.com/mcp' });
 * app.post('/mcp', requireBearerAuth({ verifier, resourceMetadataUrl }), handleMcp);
 * ```
 */
export function mcpTokenVerifier(
  authenticator: Authenticator,
  options: McpTokenVerifierOptions,
): OAuthTokenVerifier {
  if (
    typeof authenticator !== 'object' ||
    authenticator === null ||
    typeof authenticator.authenticate !== 'function'
  ) {
    throw new TypeError('mcpTokenVerifier(): `authenticator` must come from createAuthenticator()');
  }
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('mcpTokenVerifier(): needs an options object: { resource }');
  }
  checkOptions('mcpTokenVerifier()', options, ['resource']);
  const resource = checkHttpsUrl('mcpTokenVerifier(): `resource`', options.resource);

  return {
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      const authorization = `Bearer ${token}`;
      const view: RequestView = {
        header: (name) => (name === 'authorization' ? authorization : undefined),
      };
      let principal: Principal | null;
      try {
        principal = await authenticator.authenticate(view);
      } catch (err) {
        throw toSdkError(err);
      }
      // Not optional, so never null; a custom authenticator that answers null refuses anyway.
      if (principal === null) throw new InvalidTokenError('The access token is missing');
      return authInfoOf(token, principal, resource);
    },
  };
}
