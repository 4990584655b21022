/**
 * Answers of the token and revocation endpoints, in one framework-neutral shape
 * `{ status, headers, body }` that each example sends as it is.
 * Errors follow RFC 6749 §5.2: JSON `{ error, error_description }`, never cached.
 */

export const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

/**
 * An RFC 6749 §5.2 error answer.
 *
 * @example
 * return oauthError(400, 'invalid_scope', 'The requested scope exceeds what this client may have');
 */
export function oauthError(status, error, description, headers = {}) {
  return {
    status,
    headers: { ...NO_STORE, ...headers },
    body: { error, error_description: description },
  };
}

/**
 * A successful JSON answer that must not be cached (tokens).
 *
 * @example
 * return noStore(200, { access_token, token_type: 'Bearer', expires_in: 300 });
 */
export function noStore(status, body) {
  return { status, headers: { ...NO_STORE }, body };
}
