import { readClientRequest } from './client-request.js';
import { noStore, oauthError } from './oauth-errors.js';

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * The OAuth 2.0 client-credentials token endpoint (RFC 6749 §4.4), framework-neutral: give it the
 * request's Authorization and Content-Type headers and its raw body; send back the answer.
 * Requested scopes are narrowed to what the client may have; asking for more is `invalid_scope`.
 * The token is for `audience` unless the request names another `resource` (RFC 8707) among
 * `config.resources`: one per request (a parameter sent twice is refused); any other is
 * `invalid_target`.
 *
 * @example
 * const answer = tokenEndpoint({ clients, signer, issuer, audience, resources, ttl: 300, now: Date.now },
 *   { authorization, contentType, body });
 */
export function tokenEndpoint(config, request) {
  const { form, client, error } = readClientRequest(config.clients, request);
  if (error) return error;
  if (form.grant_type === undefined) {
    return oauthError(400, 'invalid_request', 'grant_type is required');
  }
  if (form.grant_type !== 'client_credentials') {
    return oauthError(400, 'unsupported_grant_type', 'Only client_credentials is supported');
  }
  let scopes = client.scopes;
  if (form.scope !== undefined) {
    const requested = [...new Set(form.scope.split(' '))];
    if (!requested.every((s) => SCOPE_TOKEN.test(s) && client.scopes.includes(s))) {
      return oauthError(
        400,
        'invalid_scope',
        'The requested scope exceeds what this client may have',
      );
    }
    scopes = requested;
  }
  let audience = config.audience;
  if (form.resource !== undefined) {
    if (form.resource !== audience && !config.resources?.includes(form.resource)) {
      return oauthError(400, 'invalid_target', 'This server issues no tokens for that resource');
    }
    audience = form.resource;
  }
  const iat = Math.floor(config.now() / 1000);
  const accessToken = config.signer.sign({
    iss: config.issuer,
    aud: audience,
    sub: client.clientId,
    client_id: client.clientId,
    scope: scopes.join(' '),
    iat,
    exp: iat + config.ttl,
  });
  config.onIssue?.(client.clientId);
  return noStore(200, {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: config.ttl,
    scope: scopes.join(' '),
  });
}
