import { AuthErrorCodes } from './error-codes.js';
import { invalidRequest } from './errors.js';
import { headerValues, type RequestView } from './request.js';
import type { CredentialSource } from './types.js';

/**
 * Where the authenticator looks for credentials besides `Authorization`.
 *
 * @example
 * ```ts
 * const config: ExtractConfig = { headers: ['x-api-key'], cookies: ['session'] };
 * ```
 */
export interface ExtractConfig {
  /** Lower-case header names that carry an API key (`x-api-key`). */
  headers: readonly string[];
  /** Cookie names that carry a bearer token. */
  cookies: readonly string[];
}

/**
 * A credential found in a request, and where.
 *
 * @example
 * ```ts
 * const found: Extracted = { value: 'pcs_…', source: { kind: 'header', name: 'x-api-key' } };
 * ```
 */
export interface Extracted {
  value: string;
  source: CredentialSource;
}

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
// RFC 9110 §11.1: auth-scheme = token.
const SCHEME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// A header-carried key: visible ASCII, no spaces or control characters.
const HEADER_KEY = /^[\x21-\x7e]+$/;
const AUTHORIZATION: CredentialSource = { kind: 'authorization' };
const AUTHORIZATION_DPOP: CredentialSource = { kind: 'authorization', scheme: 'dpop' };
const REPEATED_BEARER = /,\s*bearer(?:[\s,]|$)/i;

// The two 400s of extraction. Both throw, as their names say: extraction stops at the first.
function throwMalformedRequest(description: string, realm: string): never {
  throw invalidRequest(AuthErrorCodes.MALFORMED_REQUEST, description, realm);
}

function throwMultipleCredentials(realm: string): never {
  throw invalidRequest(
    AuthErrorCodes.MULTIPLE_CREDENTIALS,
    'Send exactly one credential in one header',
    realm,
  );
}

function fromAuthorization(values: readonly string[], realm: string): Extracted | undefined {
  if (values.length === 0) return undefined;
  if (values.length > 1) throwMultipleCredentials(realm);
  const header = values[0]!.trim();
  // credentials = auth-scheme [ 1*SP token68 ], split by hand: this runs on every request.
  const space = header.indexOf(' ');
  const scheme = space < 0 ? header : header.slice(0, space);
  // `Bearer` as nearly every client writes it skips the regular expression and the lower-casing.
  let source = AUTHORIZATION;
  if (scheme !== 'Bearer') {
    if (!SCHEME.test(scheme)) throwMalformedRequest('The Authorization header is malformed', realm);
    // RFC 9449 §7.1: `Authorization: DPoP <token>`, the token bound to the key of its DPoP proof.
    if (scheme.length === 4 && scheme.toLowerCase() === 'dpop') source = AUTHORIZATION_DPOP;
    // Another scheme (Basic, Digest, …) is not ours: as if no credential was sent. But a Fetch
    // `Headers` view (Hono) joins repeated headers with ", ": a Bearer after a comma is a second
    // Authorization header, not something to drop along with the other scheme's.
    else if (scheme.length !== 6 || scheme.toLowerCase() !== 'bearer') {
      if (REPEATED_BEARER.test(header)) throwMultipleCredentials(realm);
      return undefined;
    }
  }
  let start = space < 0 ? header.length : space + 1;
  while (header.charCodeAt(start) === 32) start++;
  const token = header.slice(start);
  if (token === '') throwMalformedRequest('The bearer token is empty', realm);
  // The b64token grammar check is left to the caller: see findCredential().
  return { value: token, source };
}

/**
 * Refuse a bearer token outside RFC 6750's b64token grammar with 400 `invalid_request`.
 *
 * @example
 * ```ts
 * checkBearerGrammar('a b', 'api'); // throws ERR_MALFORMED_REQUEST
 * ```
 */
export function checkBearerGrammar(token: string, realm: string): void {
  if (!B64TOKEN.test(token)) throwMalformedRequest('The bearer token is malformed', realm);
}

function checkPending(found: Extracted | undefined, realm: string): void {
  if (found?.source.kind === 'authorization') checkBearerGrammar(found.value, realm);
}

function fromCookies(request: RequestView, names: readonly string[], realm: string) {
  const found: Extracted[] = [];
  for (const header of headerValues(request, 'cookie')) {
    for (const pair of header.split(';')) {
      const eq = pair.indexOf('=');
      if (eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      if (!names.includes(name)) continue;
      let value = pair.slice(eq + 1).trim();
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
        value = value.slice(1, -1);
      }
      if (value === '') continue;
      if (!B64TOKEN.test(value)) throwMalformedRequest('The credential cookie is malformed', realm);
      found.push({ value, source: { kind: 'cookie', name } });
    }
  }
  return found;
}

/**
 * {@link extractCredential} except that a bearer token from `Authorization` (its `source.kind` is
 * `'authorization'`) has not yet been checked against the b64token grammar: scanning a long
 * token costs more than the rest of a cached verification, so the authenticator checks it only
 * where the answer can depend on it. The caller must call {@link checkBearerGrammar} before
 * answering anything but a success from a method whose accepted values all fit the grammar.
 *
 * @example
 * ```ts
 * const found = findCredential(view, { headers: ['x-api-key'], cookies: [] }, 'api');
 * ```
 */
export function findCredential(
  request: RequestView,
  config: ExtractConfig,
  realm: string,
): Extracted | undefined {
  let found = fromAuthorization(headerValues(request, 'authorization'), realm);
  for (const name of config.headers) {
    const values = headerValues(request, name);
    if (values.length === 0) continue;
    if (values.length > 1 || found !== undefined) {
      checkPending(found, realm);
      throwMultipleCredentials(realm);
    }
    const value = values[0]!.trim();
    if (!HEADER_KEY.test(value)) throwMalformedRequest(`The ${name} header is malformed`, realm);
    found = { value, source: { kind: 'header', name } };
  }
  if (config.cookies.length > 0) {
    checkPending(found, realm);
    const cookies = fromCookies(request, config.cookies, realm);
    if (cookies.length > 1 || (cookies.length === 1 && found !== undefined))
      throwMultipleCredentials(realm);
    found ??= cookies[0];
  }
  return found;
}

/**
 * Find the one credential in a request: `Authorization: Bearer …`, an API-key header, or a
 * configured cookie. Returns `undefined` when there is none; throws a 400 `invalid_request`
 * `AuthError` for a malformed header, two Authorization headers, or two credentials.
 * Never reads the URL: tokens in query strings end up in access logs.
 *
 * @example
 * ```ts
 * const found = extractCredential(view, { headers: ['x-api-key'], cookies: [] }, 'api');
 * ```
 */
export function extractCredential(
  request: RequestView,
  config: ExtractConfig,
  realm: string,
): Extracted | undefined {
  const found = findCredential(request, config, realm);
  checkPending(found, realm);
  return found;
}
