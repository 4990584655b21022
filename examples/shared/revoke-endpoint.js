import { readClientRequest } from './client-request.js';
import { noStore, oauthError } from './oauth-errors.js';

/**
 * Token revocation (RFC 7009): an authenticated client posts `token=<access token>`; when it is a
 * valid token issued to that client, its `jti` goes on the deny-list until it would expire anyway.
 * An invalid or unknown token is answered 200 as well (RFC 7009 §2.2), so the endpoint tells a
 * caller nothing about tokens it does not hold.
 *
 * @example
 * const answer = await revokeEndpoint({ clients, verifyToken, denyList },
 *   { authorization, contentType, body });
 */
export async function revokeEndpoint(config, request) {
  const { form, client, error } = readClientRequest(config.clients, request);
  if (error) return error;
  if (typeof form.token !== 'string' || form.token === '') {
    return oauthError(400, 'invalid_request', 'token is required');
  }
  const claims = await config.verifyToken(form.token);
  if (claims === null) return noStore(200, {});
  if (claims.client_id !== client.clientId) {
    return oauthError(400, 'unauthorized_client', 'The token was not issued to this client');
  }
  await config.denyList.revoke(claims.jti, claims.exp);
  return noStore(200, {});
}
