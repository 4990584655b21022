import { checkOptions } from '@portcullis/core/adapter';
import type { JWTPayload } from 'jose';
import type { TestIssuer } from './test-issuer.js';
import { bearerParam, bearerProblems } from './www-authenticate.js';

/**
 * The checks {@link checkResourceServer} runs, in the order of its report.
 *
 * @example
 * ```ts
 * await assertResourceServer({ ...options, skip: ['cors-expose'] }); // a server-to-server API
 * RESOURCE_SERVER_CHECKS.length; // 8
 * ```
 */
export const RESOURCE_SERVER_CHECKS = [
  'challenge',
  'metadata',
  'metadata-path',
  'audience',
  'good-token',
  'query-token',
  'cors-expose',
  'challenge-syntax',
] as const;

/** One of {@link RESOURCE_SERVER_CHECKS}. */
export type ResourceServerCheckName = (typeof RESOURCE_SERVER_CHECKS)[number];

const TITLES: Record<ResourceServerCheckName, string> = {
  challenge: 'a request without a token gets 401 with a Bearer challenge naming resource_metadata',
  metadata: "the challenge's resource_metadata URL serves this resource's metadata",
  'metadata-path': 'the metadata is served at the RFC 9728 path-inserted well-known URL',
  audience: 'a token for another audience gets 401',
  'good-token': 'a token for this resource is accepted',
  'query-token': 'a token in the query string (?access_token=) gets 401',
  'cors-expose': 'error answers expose WWW-Authenticate to browsers',
  'challenge-syntax': 'every challenge parses as RFC 9110, RFC 6750 and RFC 9728 ask',
};

/**
 * The outcome of one check of {@link checkResourceServer}.
 *
 * @example
 * ```ts
 * const failed: ResourceServerCheck[] = report.checks.filter((check) => !check.ok);
 * ```
 */
export interface ResourceServerCheck {
  readonly name: ResourceServerCheckName;
  /** What the check asks of the server, in words. */
  readonly title: string;
  readonly ok: boolean;
  /** What was sent and answered, and, when the check failed, what to fix. */
  readonly detail: string;
}

/**
 * What {@link checkResourceServer} answers.
 *
 * @example
 * ```ts
 * const report: ResourceServerReport = await checkResourceServer(options);
 * if (!report.ok) console.table(report.checks);
 * ```
 */
export interface ResourceServerReport {
  /** Whether every check (but the skipped ones) passed. */
  readonly ok: boolean;
  readonly checks: readonly ResourceServerCheck[];
}

/**
 * Options of {@link checkResourceServer} and {@link assertResourceServer}.
 *
 * @example
 * ```ts
 * const options: CheckResourceServerOptions = {
 *   fetch: app.fetch,
 *   resource: 'https://mcp.example.com/mcp',
 *   issuer,
 *   method: 'POST',
 *   body: { jsonrpc: '2.0', id: 1, method: 'ping' },
 * };
 * ```
 */
export interface CheckResourceServerOptions {
  /**
   * The resource identifier: the audience the app's tokens must name, and what its metadata's
   * `resource` must be, character for character (`https://mcp.example.com/mcp`).
   */
  resource: string;
  /** An issuer the app trusts (from {@link createTestIssuer}): it signs every token sent. */
  issuer: Pick<TestIssuer, 'sign'>;
  /**
   * The protected endpoint: a URL (`http://127.0.0.1:3000/mcp`) or, with `fetch`, a path
   * (`/mcp`). A path is read against `resource`. Default `resource`. Requests for the metadata
   * URLs of `resource`'s origin go to this URL's origin.
   */
  url?: string;
  /**
   * Send requests through this function instead of the global `fetch`: an in-memory app, such as
   * Hono's `app.fetch`.
   */
  fetch?: (request: Request) => Response | Promise<Response>;
  /** How to call the protected endpoint. Default `'POST'` with a `body`, `'GET'` without. */
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The body of each call: a string, or an object or array sent as JSON. */
  body?: string | Record<string, unknown> | readonly unknown[];
  /**
   * More headers for each call (an MCP server wants `accept: 'application/json,
   * text/event-stream'`). Never `authorization`: each check picks its credential.
   */
  headers?: Readonly<Record<string, string>>;
  /** Scopes the good token carries (its `scope` claim). Default none. */
  scopes?: readonly string[];
  /** More claims in every token (`aud` is the check's own). */
  claims?: JWTPayload;
  /**
   * An `Origin` header for every request, for CORS middleware that only answers cross-origin
   * requests. Default none.
   */
  origin?: string;
  /** Checks to leave out of the report (their requests are still sent). */
  skip?: readonly ResourceServerCheckName[];
}

const OPTIONS = [
  'resource',
  'issuer',
  'url',
  'fetch',
  'method',
  'body',
  'headers',
  'scopes',
  'claims',
  'origin',
  'skip',
];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const WELL_KNOWN = '/.well-known/oauth-protected-resource';
const WHERE = 'checkResourceServer()';

/** What a request answered: status 0 and `error` when it could not be sent or answered. */
interface Exchange {
  readonly what: string;
  readonly status: number;
  readonly headers: Headers;
  readonly error?: string;
}

function fail(message: string): never {
  throw new TypeError(`${WHERE}: ${message}`);
}

function httpUrl(what: string, value: unknown, base?: string): URL {
  let url: URL | undefined;
  if (typeof value === 'string' && value !== '') {
    try {
      url = new URL(value, base);
    } catch {
      url = undefined;
    }
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    fail(`\`${what}\` must be an http: or https: URL${base === undefined ? '' : ' or a path'}`);
  }
  if (url.hash !== '') fail(`\`${what}\` must not have a fragment`);
  return url;
}

function validate(options: CheckResourceServerOptions): void {
  if (typeof options !== 'object' || options === null) {
    fail('needs an options object: { resource, issuer, url or fetch }');
  }
  checkOptions(WHERE, options, OPTIONS);
  if (typeof options.issuer?.sign !== 'function') {
    fail('`issuer` must be a test issuer the app trusts (createTestIssuer())');
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    fail('`fetch` must be a function (request) => Response, such as app.fetch');
  }
  if (options.method !== undefined && !METHODS.includes(options.method)) {
    fail(`\`method\` must be one of ${METHODS.join(', ')}`);
  }
  const { body, headers, scopes, skip } = options;
  if (
    body !== undefined &&
    (typeof body !== 'object' || body === null) &&
    typeof body !== 'string'
  ) {
    fail('`body` must be a string, or an object or array to send as JSON');
  }
  if (body !== undefined && options.method === 'GET') fail('a GET has no `body`');
  if (headers !== undefined) {
    if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
      fail('`headers` must be an object of header names and values');
    }
    for (const [name, value] of Object.entries(headers)) {
      if (typeof value !== 'string') fail(`\`headers.${name}\` must be a string`);
      if (name.toLowerCase() === 'authorization') {
        fail('`headers` must not carry `authorization`: each check sends its own credential');
      }
    }
  }
  if (
    scopes !== undefined &&
    (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string' && /^\S+$/.test(s)))
  ) {
    fail('`scopes` must be an array of scope names');
  }
  if (
    options.claims !== undefined &&
    (typeof options.claims !== 'object' || options.claims === null)
  ) {
    fail('`claims` must be an object');
  }
  if (options.origin !== undefined) httpUrl('origin', options.origin);
  if (
    skip !== undefined &&
    (!Array.isArray(skip) || !skip.every((name) => RESOURCE_SERVER_CHECKS.includes(name)))
  ) {
    fail(`\`skip\` must be an array of check names: ${RESOURCE_SERVER_CHECKS.join(', ')}`);
  }
}

/** Where RFC 9728 §3.1 puts a resource's metadata: the well-known path before its path. */
function pathInsertedUrl(resource: URL): string {
  const path = resource.pathname === '/' ? '' : resource.pathname;
  return `${resource.origin}${WELL_KNOWN}${path}${resource.search}`;
}

const quoted = (value: unknown) => JSON.stringify(value);
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Why a metadata document's `resource` is not `expected`, with the usual causes named. */
function resourceMismatch(found: unknown, expected: string): string {
  if (found === undefined) return `it has no \`resource\`; it must be ${quoted(expected)}`;
  const base = `its \`resource\` is ${quoted(found)}, not ${quoted(expected)}`;
  if (typeof found !== 'string') return base;
  if (found === `${expected}/` || `${found}/` === expected) {
    return `${base}: a trailing slash differs, and clients compare the two character for character`;
  }
  let foundUrl: URL | undefined;
  try {
    foundUrl = new URL(found);
  } catch {
    return `${base}: it is not an absolute URL`;
  }
  const expectedUrl = new URL(expected);
  if (foundUrl.origin === expectedUrl.origin && foundUrl.pathname !== expectedUrl.pathname) {
    return `${base}: it names ${foundUrl.pathname === '/' ? 'the origin, not the path' : 'another path'}; the document must name the resource the client called`;
  }
  if (found.toLowerCase() === expected.toLowerCase()) return `${base}: they differ in case`;
  return `${base}: clients refuse metadata naming another resource (RFC 9728 §3.3)`;
}

/**
 * Check that an app behaves as an OAuth protected resource (RFC 9728, RFC 6750) and as an MCP
 * server's authorization layer must, by sending it real requests: with no token, with a token
 * for `resource`, with tokens for other audiences, and with a token in the query string; and by
 * reading its challenges and its metadata documents. Works on any framework: give the app's URL,
 * or `fetch` for an app that answers Fetch requests in memory (Hono's `app.fetch`). Never throws
 * for a failed check (see {@link assertResourceServer}); throws a `TypeError` for bad options and
 * an `Error` when the first request cannot be sent at all.
 *
 * The checks, each in the report with a detail that says what to fix:
 * - `challenge`: no token → 401 with `WWW-Authenticate: Bearer …, resource_metadata="…"`.
 * - `metadata`: that URL answers 200 JSON whose `resource` is `resource` exactly, with
 *   `authorization_servers`, and `Access-Control-Allow-Origin`.
 * - `metadata-path`: the same at `resource`'s origin + `/.well-known/oauth-protected-resource` +
 *   its path (where clients look without the challenge's URL).
 * - `audience`: tokens whose `aud` names other resources → 401.
 * - `good-token`: a token whose `aud` is `resource` (with `scopes`) → neither 401 nor 403.
 * - `query-token`: the good token as `?access_token=` → 401.
 * - `cors-expose`: every 401 and 403 has `Access-Control-Expose-Headers: WWW-Authenticate`.
 * - `challenge-syntax`: every challenge parses (RFC 9110 §11.6.1), its parameters quoted.
 *
 * Metadata URLs on `resource`'s origin are fetched from `url`'s origin, so an app tested on
 * `http://127.0.0.1:3000` may name its public `https://mcp.example.com` URLs.
 *
 * @example
 * ```ts
 * import { checkResourceServer, createTestIssuer } from '@portcullis/testing';
 *
 * const issuer = await createTestIssuer(); // the app's jwt() trusts issuer.jwtOptions
 * const report = await checkResourceServer({
 *   url: 'http://127.0.0.1:3000/mcp',
 *   resource: 'https://mcp.example.com/mcp',
 *   issuer,
 *   method: 'POST',
 *   headers: { accept: 'application/json, text/event-stream' },
 *   body: { jsonrpc: '2.0', id: 1, method: 'ping' },
 *   scopes: ['files:read'],
 * });
 * for (const check of report.checks) console.log(check.ok ? '✓' : '✗', check.name, check.detail);
 * ```
 */
export async function checkResourceServer(
  options: CheckResourceServerOptions,
): Promise<ResourceServerReport> {
  validate(options);
  const resource = options.resource;
  const resourceUrl = httpUrl('resource', resource);
  const endpoint = httpUrl('url', options.url ?? resource, resource);
  const send = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const method = options.method ?? (options.body === undefined ? 'GET' : 'POST');
  const body =
    options.body === undefined || typeof options.body === 'string'
      ? options.body
      : JSON.stringify(options.body);
  const scopes = options.scopes ?? [];

  /** Send one request; the answer's body is read (or dropped, for a stream) and never kept. */
  async function exchange(
    what: string,
    url: URL,
    init: { method: string; headers: Headers; body?: string | undefined },
    readBody: boolean,
  ): Promise<Exchange & { text?: string }> {
    if (options.origin !== undefined) init.headers.set('origin', options.origin);
    try {
      const response = await send(new Request(url, { ...init, redirect: 'manual' }));
      let text: string | undefined;
      if (readBody) text = await response.text();
      else await response.body?.cancel().catch(() => undefined);
      return { what, status: response.status, headers: response.headers, text };
    } catch (err) {
      return { what, status: 0, headers: new Headers(), error: message(err) };
    }
  }

  /** Call the protected endpoint with `credential` as a bearer token, or none. */
  function call(what: string, credential?: string, url = endpoint): Promise<Exchange> {
    const headers = new Headers(options.headers);
    if (body !== undefined && typeof options.body !== 'string' && !headers.has('content-type')) {
      headers.set('content-type', 'application/json');
    }
    if (credential !== undefined) headers.set('authorization', `Bearer ${credential}`);
    return exchange(what, url, { method, headers, body }, false);
  }

  const sign = (aud: string) =>
    options.issuer.sign({
      ...options.claims,
      aud,
      ...(scopes.length > 0 ? { scope: scopes.join(' ') } : {}),
    });
  const path = resourceUrl.pathname === '/' ? '' : resourceUrl.pathname;
  const otherAudiences = [
    `https://another-resource.test${path}`,
    `${resourceUrl.origin}${path === '/another-resource' ? '/other' : '/another-resource'}`,
  ];
  const called = `${method} ${endpoint.href}`;

  const noToken = await call('without a token');
  if (noToken.error !== undefined) {
    throw new Error(`${WHERE}: could not send ${called}: ${noToken.error}`);
  }
  const goodToken = await sign(resource);
  const good = await call(`with a token for ${resource}`, goodToken);
  const wrong: Exchange[] = [];
  for (const aud of otherAudiences) {
    wrong.push(await call(`with a token for ${aud}`, await sign(aud)));
  }
  const queryUrl = new URL(endpoint);
  queryUrl.searchParams.append('access_token', goodToken);
  const query = await call('with the token in ?access_token=', undefined, queryUrl);

  // Metadata: URLs on the resource's origin are fetched from the app's.
  const fetched = new Map<string, Promise<string[]>>();
  const documentProblems = (href: string): Promise<string[]> => {
    let problems = fetched.get(href);
    if (problems === undefined) {
      problems = metadataProblems(href);
      fetched.set(href, problems);
    }
    return problems;
  };
  async function metadataProblems(href: string): Promise<string[]> {
    const url = new URL(href);
    const target =
      url.origin === resourceUrl.origin ? new URL(url.pathname + url.search, endpoint) : url;
    const headers = new Headers({ accept: 'application/json' });
    const answer = await exchange('metadata', target, { method: 'GET', headers }, true);
    if (answer.error !== undefined) return [`it could not be fetched: ${answer.error}`];
    if (answer.status !== 200) {
      const location = answer.headers.get('location');
      const redirect = location === null ? '' : ` (a redirect to ${location}: serve it here)`;
      return [`it answered ${answer.status}, not 200${redirect}`];
    }
    const problems: string[] = [];
    const type = answer.headers.get('content-type') ?? '';
    if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
      problems.push(`its content-type is ${quoted(type)}, not application/json`);
    }
    let document: unknown;
    try {
      document = JSON.parse(answer.text ?? '');
    } catch {
      return [...problems, 'its body is not JSON'];
    }
    if (typeof document !== 'object' || document === null || Array.isArray(document)) {
      return [...problems, 'its body is not a JSON object'];
    }
    const fields = document as Record<string, unknown>;
    if (fields.resource !== resource) problems.push(resourceMismatch(fields.resource, resource));
    const servers = fields.authorization_servers;
    if (
      !Array.isArray(servers) ||
      servers.length === 0 ||
      !servers.every((s) => typeof s === 'string' && URL.canParse(s))
    ) {
      problems.push(
        `its \`authorization_servers\` is ${quoted(servers)}: clients need at least one issuer URL to get a token from`,
      );
    }
    if (!answer.headers.has('access-control-allow-origin')) {
      problems.push(
        'it has no Access-Control-Allow-Origin: browser-based clients cannot read it (serve it with access-control-allow-origin: *)',
      );
    }
    return problems;
  }

  const checks: ResourceServerCheck[] = [];
  const record = (name: ResourceServerCheckName, ok: boolean, detail: string) => {
    checks.push({ name, title: TITLES[name], ok, detail });
  };
  const challengeOf = (answer: Exchange) => answer.headers.get('www-authenticate');
  const shown = (answer: Exchange) => {
    if (answer.error !== undefined) return `failed: ${answer.error}`;
    const challenge = challengeOf(answer);
    return `answered ${answer.status}${challenge === null ? '' : ` (WWW-Authenticate: ${challenge})`}`;
  };
  const goodRefused = good.status === 401 || good.status === 403 || good.error !== undefined;
  const inconclusive = goodRefused
    ? ' (inconclusive: the app refused the good token too; see good-token)'
    : '';
  const derivedMetadata = pathInsertedUrl(resourceUrl);

  // 1. challenge
  const challenge = challengeOf(noToken);
  const metadataUrl = challenge === null ? undefined : bearerParam(challenge, 'resource_metadata');
  if (noToken.status !== 401) {
    const hint =
      noToken.status >= 200 && noToken.status < 300
        ? ': the endpoint is not protected (mount authenticate() before it)'
        : noToken.status === 403
          ? ': a request with no credential is 401 (403 is for a token without the scopes)'
          : '';
    record('challenge', false, `${called} without a token ${shown(noToken)}, not 401${hint}`);
  } else if (challenge === null) {
    record(
      'challenge',
      false,
      `${called} without a token answered 401 with no WWW-Authenticate: clients cannot find the resource metadata`,
    );
  } else if (metadataUrl === undefined) {
    record(
      'challenge',
      false,
      `the challenge has no resource_metadata (WWW-Authenticate: ${challenge}): set createAuthenticator({ resourceMetadata: '${derivedMetadata}' })`,
    );
  } else {
    record('challenge', true, `401, WWW-Authenticate: ${challenge}`);
  }

  // 2. metadata
  let metadataHref: string | undefined;
  if (metadataUrl === undefined) {
    record('metadata', false, 'not checked: the challenge names no resource_metadata URL');
  } else if (!URL.canParse(metadataUrl)) {
    record('metadata', false, `resource_metadata ${quoted(metadataUrl)} is not an absolute URL`);
  } else {
    metadataHref = new URL(metadataUrl).href;
    const problems = await documentProblems(metadataHref);
    record(
      'metadata',
      problems.length === 0,
      problems.length === 0
        ? `GET ${metadataHref}: 200, resource ${quoted(resource)}`
        : `GET ${metadataHref}: ${problems.join('; ')}`,
    );
  }

  // 3. metadata-path
  {
    const problems = await documentProblems(derivedMetadata);
    const same = metadataHref === derivedMetadata ? " (the challenge's URL too)" : '';
    const unserved = /^it (?:answered|could not)/.test(problems[0] ?? '');
    const fix = !unserved
      ? ''
      : `. MCP clients look here when a challenge names no URL: serve the document at ${WELL_KNOWN}${path} (protectedResource() serves it there and at ${WELL_KNOWN})`;
    record(
      'metadata-path',
      problems.length === 0,
      problems.length === 0
        ? `GET ${derivedMetadata}${same}: 200, resource ${quoted(resource)}`
        : `GET ${derivedMetadata}${same}: ${problems.join('; ')}${fix}`,
    );
  }

  // 4. audience
  {
    const accepted = wrong.filter((answer) => answer.status !== 401);
    record(
      'audience',
      accepted.length === 0,
      accepted.length === 0
        ? `tokens for ${otherAudiences.join(' and ')} answered 401${inconclusive}`
        : `${accepted.map((answer) => `${called} ${answer.what} ${shown(answer)}`).join('; ')}: a token whose aud is another resource must get 401 invalid_token. Check \`aud\`: jwt({ audience: '${resource}' }) (MCP servers must only accept tokens issued for them)`,
    );
  }

  // 5. good-token
  {
    const carried = scopes.length > 0 ? `scope "${scopes.join(' ')}"` : 'no scope';
    const sent = `${called} with a token for ${resource} (${carried})`;
    let detail = `${sent} ${shown(good)}`;
    if (good.status === 401) {
      detail += `: the app refused it. Does the app trust \`issuer\`, and is ${resource} exactly one of jwt()'s \`audience\`?`;
    } else if (good.status === 403) {
      const wanted = bearerParam(challengeOf(good) ?? '', 'scope');
      detail += `: the token's scopes are not enough; pass \`scopes\`${wanted === undefined ? '' : `: ['${wanted.split(' ').join("', '")}']`}`;
    }
    if (good.status === 404 || good.status === 405) {
      detail += ': not a refusal, but are `url` and `method` those of the protected endpoint?';
    }
    record('good-token', !goodRefused, detail);
  }

  // 6. query-token
  record(
    'query-token',
    query.status === 401,
    query.status === 401
      ? `${called} ${query.what} answered 401${inconclusive}`
      : `${called} ${query.what} ${shown(query)}, not 401: ${query.status >= 200 && query.status < 300 ? 'the app accepted it. ' : ''}Tokens in URLs end up in logs and browser history (RFC 6750 §2.3); MCP forbids them. Read the Authorization header only`,
  );

  // 7. cors-expose, 8. challenge-syntax: over every refusal.
  const refusals = [noToken, good, ...wrong, query].filter(
    (answer) => answer.status === 401 || answer.status === 403,
  );
  {
    const hidden = refusals.filter((answer) => {
      const exposed = (answer.headers.get('access-control-expose-headers') ?? '')
        .split(',')
        .map((name) => name.trim().toLowerCase());
      return !exposed.includes('www-authenticate') && !exposed.includes('*');
    });
    record(
      'cors-expose',
      refusals.length > 0 && hidden.length === 0,
      refusals.length === 0
        ? 'not checked: no 401 or 403 answer'
        : hidden.length === 0
          ? `${refusals.length} refusals expose WWW-Authenticate`
          : `${hidden.map((answer) => `${answer.status} ${answer.what}`).join(', ')}: no Access-Control-Expose-Headers: WWW-Authenticate, so browser-based clients cannot read the challenge (createAuthenticator({ resourceMetadata }) adds it)`,
    );
  }
  {
    const problems: string[] = [];
    for (const answer of refusals) {
      const value = challengeOf(answer);
      if (value === null) {
        if (answer.status === 401) problems.push(`401 ${answer.what}: no WWW-Authenticate`);
        continue;
      }
      const found = bearerProblems(value);
      if (found.length > 0) {
        problems.push(`${answer.status} ${answer.what}: ${found.join('; ')} (${value})`);
      }
    }
    record(
      'challenge-syntax',
      refusals.length > 0 && problems.length === 0,
      refusals.length === 0
        ? 'not checked: no 401 or 403 answer'
        : problems.length === 0
          ? `${refusals.length} challenges parse`
          : problems.join('; '),
    );
  }

  const skip = options.skip ?? [];
  const kept = checks.filter((check) => !skip.includes(check.name));
  return { ok: kept.every((check) => check.ok), checks: kept };
}

/**
 * {@link checkResourceServer}, as one assertion for any test runner: resolves to the report when
 * every check passes, and otherwise rejects with one `Error` listing each failed check and what
 * to fix (the report is the error's `report`).
 *
 * @example
 * ```ts
 * import { assertResourceServer, createTestIssuer } from '@portcullis/testing';
 *
 * it('is an MCP resource server', async () => {
 *   await assertResourceServer({
 *     fetch: app.fetch,
 *     url: '/mcp',
 *     resource: 'https://mcp.example.com/mcp',
 *     issuer,
 *     body: { jsonrpc: '2.0', id: 1, method: 'ping' },
 *   });
 * });
 * ```
 */
export async function assertResourceServer(
  options: CheckResourceServerOptions,
): Promise<ResourceServerReport> {
  const report = await checkResourceServer(options);
  if (report.ok) return report;
  const failed = report.checks.filter((check) => !check.ok);
  const lines = failed.map((check) => `✗ ${check.name}: ${check.title}\n  ${check.detail}`);
  throw Object.assign(
    new Error(
      `${options.resource}: ${failed.length} of ${report.checks.length} resource server checks failed\n${lines.join('\n')}`,
    ),
    { report },
  );
}
