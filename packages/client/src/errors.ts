/**
 * Why a token could not be had. The OAuth 2.0 error codes of RFC 6749 §5.2, RFC 8707 and RFC 9449
 * as the token endpoint sent them, and what went wrong before any answer:
 *
 * - `invalid_client`: the client id, secret or assertion was refused (a 401 challenge counts too);
 * - `invalid_scope`, `unauthorized_client`, `invalid_target` (a `resource` it issues no tokens
 *   for), `invalid_grant`, `invalid_request`, `unsupported_grant_type`, `invalid_dpop_proof`;
 * - `oauth_error`: any other error code; `error` holds it;
 * - `server_error`: a 5xx (or 429) on every try;
 * - `network_error`: no connection on every try (refused, reset, DNS);
 * - `timeout`: no token within `timeout` milliseconds, retries included;
 * - `invalid_response`: an answer that is not a usable token response or metadata document.
 *
 * @example
 * ```ts
 * const code: OAuthClientErrorCode = 'invalid_client';
 * ```
 */
export type OAuthClientErrorCode =
  | 'invalid_client'
  | 'invalid_scope'
  | 'unauthorized_client'
  | 'invalid_target'
  | 'invalid_grant'
  | 'invalid_request'
  | 'unsupported_grant_type'
  | 'invalid_dpop_proof'
  | 'oauth_error'
  | 'server_error'
  | 'network_error'
  | 'timeout'
  | 'invalid_response';

const OAUTH_CODES: ReadonlySet<string> = new Set([
  'invalid_client',
  'invalid_scope',
  'unauthorized_client',
  'invalid_target',
  'invalid_grant',
  'invalid_request',
  'unsupported_grant_type',
  'invalid_dpop_proof',
]);

/** The {@link OAuthClientErrorCode} for an error code a token endpoint sent. */
export function codeOf(error: string): OAuthClientErrorCode {
  return OAUTH_CODES.has(error) ? (error as OAuthClientErrorCode) : 'oauth_error';
}

/**
 * A token could not be had. `code` says why ({@link OAuthClientErrorCode}), `status` is the token
 * endpoint's last HTTP status (when it answered), `error` the OAuth error code it sent. The
 * message never holds a secret: not the client secret, not a token, not an assertion.
 *
 * @example
 * ```ts
 * try {
 *   await provider.getHeaders();
 * } catch (err) {
 *   if (err instanceof OAuthClientError && err.code === 'invalid_client') rotateSecret();
 *   else throw err;
 * }
 * ```
 */
export class OAuthClientError extends Error {
  override name = 'OAuthClientError';
  readonly code: OAuthClientErrorCode;
  readonly status: number | undefined;
  readonly error: string | undefined;

  constructor(
    code: OAuthClientErrorCode,
    message: string,
    details: { status?: number; error?: string; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.status = details.status;
    this.error = details.error;
  }
}

/**
 * Whether `value` is an {@link OAuthClientError} (also across copies of this package).
 *
 * @example
 * ```ts
 * if (isOAuthClientError(err) && err.code === 'timeout') retryLater();
 * ```
 */
export function isOAuthClientError(value: unknown): value is OAuthClientError {
  return (
    value instanceof OAuthClientError ||
    (value instanceof Error &&
      value.name === 'OAuthClientError' &&
      typeof (value as { code?: unknown }).code === 'string')
  );
}
