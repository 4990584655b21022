// RFC 9728 protected resource metadata: the document, where it is served, and the checks that
// catch what MCP clients trip over (a `resource` that is not canonical, a `jwt()` whose audience
// does not name the resource, a `resourceMetadata` URL that is not this document's).
import { checkOptions } from '../lib/options.js';
import { checkHttpsUrl } from '../lib/url.js';
import { portcullisWarning } from '../lib/warning.js';
import type { Authenticator } from '../types.js';
import { policyOf } from './policy.js';

const WELL_KNOWN = '/.well-known/oauth-protected-resource';
// RFC 6749 §3.3 scope-token.
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * Options of every adapter's `protectedResource()`.
 *
 * @example
 * ```ts
 * const options: ProtectedResourceOptions = {
 *   resource: 'https://mcp.example.com/mcp',
 *   authorizationServers: ['https://auth.example.com'],
 *   scopesSupported: ['files:read', 'files:write'],
 *   authenticator,
 * };
 * ```
 */
export interface ProtectedResourceOptions {
  /**
   * This resource's identifier, the audience its tokens name: an absolute `https:` URL (`http:`
   * on localhost) in canonical form (lower-case scheme and host, no fragment, no default port).
   */
  resource: string;
  /** Issuer URLs of the authorization servers that issue tokens for it. At least one. */
  authorizationServers: readonly string[];
  /** Scopes a client may ask for (`scopes_supported`). */
  scopesSupported?: readonly string[];
  /** A human-readable name (`resource_name`). */
  resourceName?: string;
  /** A page about the resource for developers (`resource_documentation`). */
  resourceDocumentation?: string;
  /**
   * The authenticator of the routes it protects: its `jwt()` methods must accept tokens for
   * `resource` (their `audience` must include it), and its `resourceMetadata`, when set, must
   * be this document's URL. Each mismatch is a `TypeError`.
   */
  authenticator?: Authenticator;
  /**
   * Accept a `jwt()` whose audience does not name `resource` (say, a gateway audience), with a
   * warning instead of a `TypeError`. Default `false`.
   */
  allowAudienceMismatch?: boolean;
  /** Seconds clients may cache the document (`Cache-Control: max-age`). Default 3600. */
  maxAge?: number;
}

/**
 * What an adapter serves: the same document on each of `paths`, with `headers`.
 *
 * @example
 * ```ts
 * for (const path of served.paths) app.get(path, (req, res) => res.set(served.headers).send(served.body));
 * ```
 */
export interface ServedMetadata {
  /** The path-inserted well-known path (RFC 9728 §3.1), then the root one when they differ. */
  readonly paths: readonly string[];
  /** The document's URL, for `createAuthenticator({ resourceMetadata })`. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /**
   * The headers of the 204 answer to a CORS preflight on the document: any origin may read it,
   * with the request headers it asked for (`Access-Control-Request-Headers`), or any.
   */
  preflight(requested: string | null | undefined): Record<string, string>;
}

// A CORS preflight on the metadata: any origin may read it, with any request headers.
const PREFLIGHT = Object.freeze({
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, HEAD, OPTIONS',
  vary: 'Access-Control-Request-Headers',
});

function preflight(requested: string | null | undefined): Record<string, string> {
  return { ...PREFLIGHT, 'access-control-allow-headers': requested || '*' };
}

/**
 * A path percent-decoded as a router decodes it (`decodeURI`), or as it is when it does not
 * decode: to match the well-known paths in both forms where a framework gives decoded paths.
 *
 * @example
 * ```ts
 * const paths = new Set([...served.paths, ...served.paths.map(decodePath)]);
 * ```
 */
export function decodePath(path: string): string {
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}

function fail(where: string, message: string): never {
  throw new TypeError(`${where}: ${message}`);
}

/**
 * Check `protectedResource()`'s options and build what it serves: the RFC 9728 document
 * (`resource`, `authorization_servers`, `scopes_supported`, `bearer_methods_supported:
 * ["header"]`, …), cacheable and open to every origin (CORS), on its well-known paths.
 *
 * @example
 * ```ts
 * const served = protectedResourceMetadata('protectedResource()', { resource, authorizationServers });
 * served.url; // https://mcp.example.com/.well-known/oauth-protected-resource/mcp
 * ```
 */
export function protectedResourceMetadata(
  where: string,
  options: ProtectedResourceOptions,
): ServedMetadata {
  if (typeof options !== 'object' || options === null) {
    fail(where, 'needs an options object: { resource, authorizationServers }');
  }
  checkOptions(where, options, [
    'resource',
    'authorizationServers',
    'scopesSupported',
    'resourceName',
    'resourceDocumentation',
    'authenticator',
    'allowAudienceMismatch',
    'maxAge',
  ]);
  const url = checkHttpsUrl(`${where} \`resource\``, options.resource);
  const resource = options.resource;
  const canonical =
    url.pathname === '/' && !resource.endsWith('/') ? url.href.slice(0, -1) : url.href;
  if (canonical !== resource) {
    fail(where, `\`resource\` must be in canonical form: ${canonical}`);
  }
  const servers = options.authorizationServers;
  if (!Array.isArray(servers) || servers.length === 0) {
    fail(where, '`authorizationServers` must be a non-empty array of issuer URLs');
  }
  for (const server of servers) checkHttpsUrl(`${where} each of \`authorizationServers\``, server);
  const scopes = options.scopesSupported;
  if (
    scopes !== undefined &&
    (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string' && SCOPE_TOKEN.test(s)))
  ) {
    fail(where, '`scopesSupported` must be an array of scope names (visible ASCII, no spaces)');
  }
  for (const name of ['resourceName', 'resourceDocumentation'] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      fail(where, `\`${name}\` must be a non-empty string`);
    }
  }
  if (options.resourceDocumentation !== undefined) {
    checkHttpsUrl(`${where} \`resourceDocumentation\``, options.resourceDocumentation);
  }
  const maxAge = options.maxAge ?? 3600;
  if (!Number.isSafeInteger(maxAge) || maxAge < 0) {
    fail(where, '`maxAge` must be a whole number of seconds ≥ 0');
  }

  const path = url.pathname === '/' ? '' : url.pathname;
  const paths = path === '' ? [WELL_KNOWN] : [`${WELL_KNOWN}${path}`, WELL_KNOWN];
  const documentUrl = `${url.origin}${paths[0]}`;
  checkAuthenticator(where, options, resource, documentUrl);

  const document: Record<string, unknown> = {
    resource,
    authorization_servers: [...servers],
    bearer_methods_supported: ['header'],
  };
  if (scopes !== undefined) document.scopes_supported = [...scopes];
  if (options.resourceName !== undefined) document.resource_name = options.resourceName;
  if (options.resourceDocumentation !== undefined) {
    document.resource_documentation = options.resourceDocumentation;
  }
  return Object.freeze({
    paths: Object.freeze(paths),
    url: documentUrl,
    headers: Object.freeze({
      'content-type': 'application/json',
      'cache-control': `public, max-age=${maxAge}`,
      'access-control-allow-origin': '*',
    }),
    body: JSON.stringify(document),
    preflight,
  });
}

function checkAuthenticator(
  where: string,
  options: ProtectedResourceOptions,
  resource: string,
  documentUrl: string,
): void {
  const { authenticator, allowAudienceMismatch } = options;
  if (allowAudienceMismatch !== undefined && typeof allowAudienceMismatch !== 'boolean') {
    fail(where, '`allowAudienceMismatch` must be a boolean');
  }
  if (authenticator === undefined) return;
  if (
    typeof authenticator !== 'object' ||
    authenticator === null ||
    typeof authenticator.authenticate !== 'function'
  ) {
    fail(where, '`authenticator` must come from createAuthenticator()');
  }
  const policy = policyOf(authenticator);
  const configured = policy?.resourceMetadata ?? authenticator.resourceMetadata;
  if (configured !== undefined && configured !== documentUrl) {
    fail(
      where,
      `the authenticator's \`resourceMetadata\` is ${configured}, but this document is served at ${documentUrl}`,
    );
  }
  for (const audiences of policy?.audiences ?? []) {
    if (audiences.includes(resource)) continue;
    const message = `${where}: a jwt() method's \`audience\` (${audiences.join(', ')}) does not include \`resource\` ${resource}: tokens issued for this resource would be refused, and tokens for other audiences accepted`;
    if (allowAudienceMismatch === true) portcullisWarning(message, 'PORTCULLIS_AUDIENCE_MISMATCH');
    else
      throw new TypeError(
        `${message}. Add it to \`audience\`, or pass \`allowAudienceMismatch: true\` if this is deliberate`,
      );
  }
}
