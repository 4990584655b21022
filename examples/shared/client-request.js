import { parseBasic, parseForm } from './form.js';
import { oauthError } from './oauth-errors.js';

const BASIC = { 'www-authenticate': 'Basic realm="oauth", charset="UTF-8"' };

function authenticateClient(clients, authorization, form) {
  const basic = parseBasic(authorization);
  const inForm = form.client_id !== undefined || form.client_secret !== undefined;
  if (basic === null)
    return { error: oauthError(400, 'invalid_request', 'Malformed Basic credentials') };
  if (basic !== undefined && inForm) {
    return { error: oauthError(400, 'invalid_request', 'Use one way of client authentication') };
  }
  const id = basic?.id ?? form.client_id;
  const secret = basic?.secret ?? form.client_secret;
  if (id === undefined || secret === undefined) {
    return { error: oauthError(401, 'invalid_client', 'Client authentication required', BASIC) };
  }
  const client = clients.authenticate(id, secret);
  if (client === null) {
    return { error: oauthError(401, 'invalid_client', 'Client authentication failed', BASIC) };
  }
  return { client };
}

/**
 * Read a token or revocation request: its form body, and its client authenticated (RFC 6749
 * §2.3.1) by HTTP Basic or `client_id`/`client_secret` form fields, never both.
 * Returns `{ form, client }`, or `{ error }` with the OAuth error answer to send.
 *
 * @example
 * const { form, client, error } = readClientRequest(clients, { authorization, contentType, body });
 * if (error) return error;
 */
export function readClientRequest(clients, request) {
  const form = parseForm(request.contentType, request.body);
  if (form === null) {
    return {
      error: oauthError(
        400,
        'invalid_request',
        'Send application/x-www-form-urlencoded with each parameter once',
      ),
    };
  }
  const { client, error } = authenticateClient(clients, request.authorization, form);
  return error ? { error } : { form, client };
}
