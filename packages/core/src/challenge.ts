/**
 * The parts of a `WWW-Authenticate: Bearer` challenge (RFC 6750 §3).
 *
 * @example
 * ```ts
 * const parts: ChallengeParts = { realm: 'api', error: 'invalid_token', description: 'The token has expired' };
 * ```
 */
export interface ChallengeParts {
  realm?: string | undefined;
  error?: string | undefined;
  description?: string | undefined;
  scope?: readonly string[] | undefined;
  /** RFC 9728 §5.1: where the protected resource metadata is. */
  resourceMetadata?: string | undefined;
}

// RFC 9110 quoted-string with RFC 6750's narrower character set: printable ASCII only.
const UNSAFE = /[^\x20-\x7e]/g;
const QUOTE_OR_BACKSLASH = /["\\]/g;

function quote(value: string): string {
  return `"${value.replace(UNSAFE, '?').replace(QUOTE_OR_BACKSLASH, '\\$&')}"`;
}

/**
 * Build a `WWW-Authenticate` value: `Bearer realm="api", error="invalid_token", …`.
 * Values are escaped as RFC 9110 quoted-strings; characters outside printable ASCII become `?`.
 *
 * @example
 * ```ts
 * buildChallenge({ realm: 'api', error: 'insufficient_scope', scope: ['billing:write'] });
 * // Bearer realm="api", error="insufficient_scope", scope="billing:write"
 * ```
 */
export function buildChallenge(parts: ChallengeParts): string {
  const params: string[] = [];
  if (parts.realm !== undefined) params.push(`realm=${quote(parts.realm)}`);
  if (parts.error !== undefined) params.push(`error=${quote(parts.error)}`);
  if (parts.description !== undefined) {
    params.push(`error_description=${quote(parts.description)}`);
  }
  if (parts.scope !== undefined && parts.scope.length > 0) {
    params.push(`scope=${quote(parts.scope.join(' '))}`);
  }
  if (parts.resourceMetadata !== undefined) {
    params.push(`resource_metadata=${quote(parts.resourceMetadata)}`);
  }
  return params.length === 0 ? 'Bearer' : `Bearer ${params.join(', ')}`;
}
