import type { AuthEvent } from '@portcullis/core';
import { FAKE_BOOM, FAKE_DOWN, type HeaderPairs } from '@portcullis/test-kit';
import { BROKEN_TOKEN_KINDS } from '@portcullis/testing';
import { METADATA, METADATA_PATHS, type Route, type Seen } from './apps.js';
import type { Credentials } from './tokens.js';
import type { Setup } from './world.js';

/** The challenge a response must carry: none at all, a bare one, or one with this `error`. */
export const NONE = Symbol('no WWW-Authenticate');
export const BARE = Symbol('bare challenge');
export type Challenge = typeof NONE | typeof BARE | string;

/** One row: a request and the answer every adapter must give. */
export interface Scenario {
  name: string;
  /** The authenticator configuration (default `main`). */
  setup: Setup;
  /** The request's method (default `GET`); it has no body. */
  method?: 'GET' | 'HEAD' | 'OPTIONS' | 'POST';
  path: Route;
  send: (c: Credentials) => HeaderPairs;
  status: number;
  /** For errors: the body's `error`, and the challenge's `error` param (or `BARE`, `NONE`). */
  error?: string;
  challenge?: Challenge;
  /** For 403: the challenge's `scope` param. */
  scope?: string;
  /** For 200: the principal the handler saw (`null` for none). */
  seen?: Seen | null;
  /** For an answer that is not an error nor the handler's: its JSON body (`undefined`: none). */
  body?: unknown;
  /** The audit events' outcomes, when not the ones the status implies (see the test). */
  events?: readonly AuthEvent['outcome'][];
  /** The code of the last audit event, when it matters (a limit's 429 or its store's 503). */
  code?: string;
  /** Requests sent first, the same, each answered 200: to use up a limit. */
  before?: number;
  /** Headers the answer must carry (a value or a pattern), or `null` for one it must not. */
  headers?: Readonly<Record<string, string | RegExp | null>>;
}

type Send = Scenario['send'];
const key = (value: string): HeaderPairs => [['x-api-key', value]];
const bearer = (value: string): HeaderPairs => [['authorization', `Bearer ${value}`]];
const nothing: Send = () => [];
const principal =
  (method: string) =>
  (subject: string, ...scopes: string[]): Seen => ({ subject, method, scopes });
const jwtUser = principal('jwt');
const keyUser = principal('api_key');
const READER = keyUser('svc-reader', 'conversations:read', 'billing:read');
const RS256_USER = jwtUser('user-rs256', 'conversations:read', 'billing:write');
const ES256_USER = jwtUser('user-es256', 'billing:read');

// One constructor per kind of answer, so each row is one line.
const allow = (name: string, path: Route, send: Send, seen: Seen | null, setup: Setup = 'main') =>
  ({ name, setup, path, send, status: 200, seen }) satisfies Scenario;
const anonymous = (name: string, path: Route, send: Send, setup: Setup = 'main') =>
  ({
    name,
    setup,
    path,
    send,
    status: 401,
    error: 'unauthorized',
    challenge: BARE,
  }) as const;
const refuse = (name: string, path: Route, send: Send, setup: Setup = 'main') =>
  ({
    name,
    setup,
    path,
    send,
    status: 401,
    error: 'invalid_token',
    challenge: 'invalid_token',
  }) as const;
const malformed = (name: string, send: Send, setup: Setup = 'main', path: Route = '/me') =>
  ({
    name,
    setup,
    path,
    send,
    status: 400,
    error: 'invalid_request',
    challenge: 'invalid_request',
  }) as const;
const forbid = (name: string, path: Route, send: Send, scope: string, setup: Setup = 'main') =>
  ({
    name,
    setup,
    path,
    send,
    status: 403,
    error: 'insufficient_scope',
    challenge: 'insufficient_scope',
    scope,
  }) as const;
// requireActor()'s 403: insufficient_scope naming no scope (no scope fixes it).
const forbidActor = (name: string, path: Route, send: Send) =>
  ({
    name,
    setup: 'main',
    path,
    send,
    status: 403,
    error: 'insufficient_scope',
    challenge: 'insufficient_scope',
    code: 'ERR_ACTOR_NOT_ALLOWED',
    headers: { 'www-authenticate': /^(?!.*scope=)/ },
  }) as const;
const unavailable = (name: string, send: Send, setup: Setup = 'main') =>
  ({
    name,
    setup,
    path: '/me',
    send,
    status: 503,
    error: 'temporarily_unavailable',
    challenge: NONE,
  }) as const;

const failed = (
  name: string,
  path: Route,
  send: Send,
  setup: Setup,
  events?: readonly AuthEvent['outcome'][],
) =>
  ({
    name,
    setup,
    path,
    send,
    status: 500,
    error: 'server_error',
    challenge: NONE,
    ...(events === undefined ? {} : { events }),
  }) as const;

const limited = (
  name: string,
  path: Route,
  send: Send,
  before: number,
  headers: Scenario['headers'],
) =>
  ({
    name,
    setup: 'main',
    path,
    send,
    before,
    status: 429,
    error: 'rate_limited',
    challenge: NONE,
    code: path === '/budget' ? 'ERR_BUDGET_EXHAUSTED' : 'ERR_RATE_LIMITED',
    headers,
  }) as const;

// The metadata (RFC 9728), the same on both paths: public (no authentication, no event),
// cacheable and open to every origin.
const METADATA_HEADERS = {
  'content-type': 'application/json',
  'cache-control': 'public, max-age=3600',
  'access-control-allow-origin': '*',
  'www-authenticate': null,
} as const;
const metadata = (name: string, path: Route, method: 'GET' | 'HEAD' = 'GET') =>
  ({
    name,
    setup: 'mcp',
    method,
    path,
    send: nothing,
    status: 200,
    body: method === 'GET' ? METADATA : undefined,
    events: [],
    headers: METADATA_HEADERS,
  }) satisfies Scenario;

// MCP requests: a bodiless POST naming its method (and tool) in headers, MCP 2026-07-28.
const mcp =
  (method?: string, tool?: string, version = '2026-07-28') =>
  (credential: HeaderPairs): HeaderPairs => [
    ['mcp-protocol-version', version],
    ...(method === undefined ? [] : ([['mcp-method', method]] as const)),
    ...(tool === undefined ? [] : ([['mcp-name', tool]] as const)),
    ...credential,
  ];
const post = <S extends Scenario>(row: S): S => ({ ...row, method: 'POST' });

// The limits' headers (draft-ietf-httpapi-ratelimit-headers) on /limited and /budget.
const LIMIT = { 'ratelimit-policy': '"default";q=3;w=60' } as const;
const BUDGET = { 'ratelimit-policy': '"budget";q=5;w=86400' } as const;

/** Flip the last character: a key with a bad checksum. */
const mistyped = (k: string) => `${k.slice(0, -1)}${k.endsWith('A') ? 'B' : 'A'}`;

/** The table. A row added here runs on every adapter. */
// biome-ignore format: one row a line keeps the table readable.
export const SCENARIOS: readonly Scenario[] = [
  // No credential, optional routes, and where credentials may (not) come from.
  anonymous('no credential', '/me', nothing),
  allow('optional route, no credential', '/open', nothing, null),
  allow('optional route, valid key', '/open', (c) => key(c.keys.reader), READER),
  refuse('optional route, wrong key', '/open', (c) => key(c.keys.unstored)),
  anonymous('another scheme (Basic) is no credential', '/me', () => [['authorization', 'Basic dXNlcjpwYXNz']]),
  anonymous('a token in the query string is ignored', '/me?access_token=x' as Route, nothing),

  // API keys.
  allow('API key via x-api-key', '/me', (c) => key(c.keys.reader), READER),
  allow('API key via Bearer', '/me', (c) => bearer(c.keys.reader), READER),
  allow('API key with no scopes', '/me', (c) => key(c.keys.nobody), keyUser('svc-nobody')),
  refuse('wrong (unknown) API key', '/me', (c) => key(c.keys.unstored)),
  refuse('expired API key', '/me', (c) => key(c.keys.expired)),
  refuse('revoked API key', '/me', (c) => bearer(c.keys.revoked)),
  refuse('malformed API key (bad checksum)', '/me', (c) => key(mistyped(c.keys.reader))),
  refuse('unknown-prefix API key via x-api-key', '/me', (c) => key(c.keys.otherPrefix)),
  refuse('unknown-prefix API key via Bearer', '/me', (c) => bearer(c.keys.otherPrefix)),
  unavailable('API key lookup that throws', (c) => key(c.keys.reader), 'lookup-down'),

  // A verifier's own failures: an outage, and a bug whose message holds a secret.
  unavailable('verifier reports an outage', () => key(FAKE_DOWN), 'faulty'),
  failed('verifier throws a plain Error', '/me', () => key(FAKE_BOOM), 'faulty'),

  // JWTs.
  allow('valid RS256 token', '/me', (c) => bearer(c.rs256), RS256_USER),
  allow('valid ES256 token', '/me', (c) => bearer(c.es256), ES256_USER),
  allow('valid EdDSA token', '/me', (c) => bearer(c.eddsa), jwtUser('user-eddsa', 'conversations:read')),
  allow('valid HS256 token', '/me', (c) => bearer(c.hs256), jwtUser('user-hs256', 'billing:read'), 'hmac'),
  refuse('HS256 token where only RS256/ES256/EdDSA are allowed', '/me', (c) => bearer(c.hs256)),
  refuse('RS256 token where only HS256 is allowed', '/me', (c) => bearer(c.rs256), 'hmac'),
  ...BROKEN_TOKEN_KINDS.map((kind) => refuse(`${kind} token (@portcullis/testing)`, '/me', (c) => bearer(c.broken[kind]))),
  refuse('alg "none" token on the HS256 setup', '/me', (c) => bearer(c.hs256AlgNone), 'hmac'),
  refuse('revoked-jti token', '/me', (c) => bearer(c.revoked)),
  unavailable('JWKS unreachable', (c) => bearer(c.rs256), 'jwks-down'),

  // Several issuers, one jwt() method each: a token goes to the method of its `iss`.
  allow('two issuers: a token of the first', '/me', (c) => bearer(c.rs256), RS256_USER, 'issuers'),
  allow('two issuers: a token of the second, routed to its method', '/me', (c) => bearer(c.partner), jwtUser('partner-svc', 'billing:read'), 'issuers'),
  allow('two issuers: an API key still goes to apiKey()', '/me', (c) => key(c.keys.reader), READER, 'issuers'),
  refuse('two issuers: iss names neither', '/me', (c) => bearer(c.unknownIssuer), 'issuers'),
  refuse("two issuers: iss names the second, signed with the first's key", '/me', (c) => bearer(c.crossIssuer), 'issuers'),
  refuse('two issuers: HS256 token', '/me', (c) => bearer(c.hs256), 'issuers'),

  // Malformed requests.
  malformed('two credentials (Bearer + x-api-key)', (c) => [...bearer(c.rs256), ...key(c.keys.reader)]),
  malformed('two Authorization headers', (c) => [...bearer(c.keys.reader), ...bearer(c.keys.reader)]),
  malformed('two x-api-key headers', (c) => [...key(c.keys.reader), ...key(c.keys.reader)]),
  malformed('empty bearer token', () => [['authorization', 'Bearer ']]),
  malformed('bearer token with a space', () => [['authorization', 'Bearer a b']]),

  // Scopes.
  allow('scope present (API key)', '/read', (c) => key(c.keys.reader), READER),
  allow('scope present (JWT)', '/write', (c) => bearer(c.rs256), RS256_USER),
  forbid('scope missing (API key)', '/write', (c) => key(c.keys.reader), 'billing:write'),
  forbid('scope missing (JWT)', '/read', (c) => bearer(c.es256), 'conversations:read'),
  allow('any-of: one held', '/any', (c) => bearer(c.es256), ES256_USER),
  allow('any-of: the other held', '/any', (c) => bearer(c.rs256), RS256_USER),
  forbid('any-of: none held', '/any', (c) => bearer(c.eddsa), 'billing:read billing:write'),
  forbid('scoped route, API key with no scopes', '/read', (c) => key(c.keys.nobody), 'conversations:read'),
  allow('requireScope with two: both held', '/both', (c) => bearer(c.rs256), RS256_USER),
  forbid('requireScope with two: one missing', '/both', (c) => key(c.keys.reader), 'conversations:read billing:write'),
  anonymous('scoped route, no credential', '/read', nothing),
  refuse('scoped route, bad credential', '/read', (c) => bearer(c.broken.expired)),
  allow('optional scoped route, valid key', '/open-read', (c) => key(c.keys.reader), READER),
  { ...anonymous('optional scoped route, no credential: 401, not a pass', '/open-read', nothing), events: ['anonymous'] },
  failed('scope guard without authenticate(): 500, never 200', '/unguarded', (c) => key(c.keys.reader), 'main', []),
  failed('scope guard after a principal other code attached: 500', '/forged', nothing, 'main', []),

  // Delegation (RFC 8693 `act`): requireActor() reads the current actor only.
  allow('actor: the current actor is allowed', '/act', (c) => bearer(c.delegated), jwtUser('user-delegated', 'billing:read')),
  forbidActor('actor: a direct token (no act)', '/act', (c) => bearer(c.rs256)),
  forbidActor('actor: an API key is never delegated', '/act', (c) => key(c.keys.reader)),
  forbidActor('actor: only the current actor counts, not a prior one', '/act', (c) => bearer(c.delegatedPrior)),

  // Rate limits and budgets, per principal: each row's principal has the route to itself.
  { ...allow('rate limit: a request within it carries the RateLimit headers', '/limited', (c) => bearer(c.rs256), RS256_USER), headers: { ...LIMIT, ratelimit: '"default";r=2;t=20' } },
  limited('rate limit: the 4th request in its window: 429 with Retry-After', '/limited', (c) => key(c.keys.reader), 3, { ...LIMIT, ratelimit: /^"default";r=0;t=\d+$/ }),
  { ...allow('budget: a request within it carries its headers', '/budget', (c) => bearer(c.es256), ES256_USER), headers: { ...BUDGET, ratelimit: /^"budget";r=5;t=\d+$/ } },
  limited('budget: spent by the handler, the next request: 429 with Retry-After', '/budget', (c) => key(c.keys.reader), 1, { ...BUDGET, ratelimit: /^"budget";r=0;t=\d+$/ }),
  { ...unavailable('limit store that fails: 503, never a pass', (c) => key(c.keys.reader)), path: '/limit-down', events: ['success', 'failure'], code: 'ERR_LIMIT_STORE_FAILED', headers: { ratelimit: null } },

  // An OAuth protected resource (RFC 9728), an MCP server: the `mcp` setup's authenticator names
  // the metadata in every challenge (exposed to CORS), and lets `billing` satisfy `billing:write`.
  metadata('metadata at the path-inserted well-known path', METADATA_PATHS[0]),
  metadata('metadata at the root well-known path', METADATA_PATHS[1]),
  metadata('metadata: HEAD', METADATA_PATHS[0], 'HEAD'),
  { ...metadata('metadata: CORS preflight', METADATA_PATHS[1]), method: 'OPTIONS', status: 204, body: undefined, send: () => [['origin', 'https://app.example'], ['access-control-request-method', 'GET'], ['access-control-request-headers', 'authorization']], headers: { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, HEAD, OPTIONS', 'access-control-allow-headers': 'authorization' } },
  anonymous('resource: no credential names the metadata', '/mcp/billing', nothing, 'mcp'),
  refuse('resource: bad credential names the metadata', '/mcp/billing', (c) => bearer(c.broken.expired), 'mcp'),
  forbid('resource: scope missing names the metadata', '/mcp/billing', (c) => bearer(c.es256), 'billing:write', 'mcp'),
  allow("resource: scope hierarchy ':' lets billing satisfy billing:write", '/mcp/billing', (c) => bearer(c.broad), jwtUser('user-broad', 'billing'), 'mcp'),
  forbid('no scope hierarchy: billing does not satisfy billing:write', '/write', (c) => bearer(c.broad), 'billing:write'),
  allow("resource: a token whose aud is the resource", '/mcp/billing', (c) => bearer(c.forResource), jwtUser('user-resource', 'billing:write'), 'mcp'),
  refuse("a token whose aud is only the resource, on the API", '/write', (c) => bearer(c.forResource)),

  // Per-tool scopes (requireToolScopes()) from Mcp-Method and Mcp-Name, on an optional route.
  { ...post(malformed('tools: POST without Mcp-Method', (c) => mcp()(bearer(c.rs256)), 'mcp', '/mcp')), events: ['success'] },
  { ...post(malformed('tools: MCP-Protocol-Version older than 2026-07-28', (c) => mcp('tools/list', undefined, '2025-06-18')(bearer(c.rs256)), 'mcp', '/mcp')), events: ['success'] },
  { ...post(malformed('tools: tools/call without Mcp-Name', (c) => mcp('tools/call')(bearer(c.rs256)), 'mcp', '/mcp')), events: ['success'] },
  post(forbid("tools: a tool's scope missing", '/mcp', (c) => mcp('tools/call', 'pay')(bearer(c.es256)), 'billing:write', 'mcp')),
  { ...post(anonymous("tools: a scoped tool with no credential: 401 naming its scopes", '/mcp', () => mcp('tools/call', 'pay')([]), 'mcp')), scope: 'billing:write', events: ['anonymous'] },
  post(allow("tools: the tool's scope held", '/mcp', (c) => mcp('tools/call', 'read')(key(c.keys.reader)), READER, 'mcp')),
  post(allow("tools: the tool's scope held through the hierarchy", '/mcp', (c) => mcp('tools/call', 'pay')(bearer(c.broad)), jwtUser('user-broad', 'billing'), 'mcp')),
  post(allow('tools: a tool that needs no scope', '/mcp', (c) => mcp('tools/call', 'ping')(key(c.keys.nobody)), keyUser('svc-nobody'), 'mcp')),
  post(allow('tools: a method that needs no scope, anonymous', '/mcp', () => mcp('tools/list')([]), null, 'mcp')),
  post(forbid("tools: a method's scope missing", '/mcp', (c) => mcp('resources/read')(bearer(c.es256)), 'conversations:read', 'mcp')),
  post(forbid('tools: an unknown tool needs otherTools', '/mcp', (c) => mcp('tools/call', 'launch')(key(c.keys.reader)), 'billing:write', 'mcp')),
  allow('tools: a GET needs no MCP headers', '/mcp', (c) => bearer(c.es256), ES256_USER, 'mcp'),
];
