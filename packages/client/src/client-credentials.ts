// The OAuth 2.0 client credentials grant (RFC 6749 §4.4) as a credential provider, on oauth4webapi:
// one token request in flight however many callers wait, a new token `refreshSkew` before the old
// one expires (by the local clock, from `expires_in`), bounded retries on 5xx and network errors
// within one `timeout`, typed errors, and DPoP-bound tokens (RFC 9449) on request.
import * as oauth from 'oauth4webapi';
import { checkDpopKeyPair, type DpopSigner, dpopSigner, generateDpopKeyPair } from './dpop.js';
import { codeOf, OAuthClientError } from './errors.js';
import { maskedFace, maskSecret, redact } from './mask.js';
import { checkOptions, endpointUrl, isAllowedEndpoint } from './options.js';
import { type ClientPrivateKey, privateKeyLoader } from './private-key.js';
import type { AuthRequest, CredentialProvider } from './provider.js';

/**
 * Options of {@link clientCredentials}. Name the token endpoint (`tokenEndpoint`) or the
 * authorization server (`issuer`, whose metadata names the endpoint); give the client's
 * `clientSecret` or its `privateKey`.
 *
 * @example
 * ```ts
 * const options: ClientCredentialsOptions = {
 *   issuer: 'https://auth.example.com',
 *   clientId: 'billing-agent',
 *   clientSecret: process.env.CLIENT_SECRET,
 *   scope: 'billing:read',
 * };
 * ```
 */
export interface ClientCredentialsOptions {
  /** The token endpoint URL. https, or http on localhost, 127.0.0.0/8 or [::1]. */
  tokenEndpoint?: string | URL;
  /**
   * The authorization server's issuer identifier. Without `tokenEndpoint`, its metadata
   * (`/.well-known/openid-configuration`, then `/.well-known/oauth-authorization-server`, RFC 8414)
   * names the token endpoint, once. With `tokenEndpoint`, no discovery: it is the audience of
   * `private_key_jwt` assertions (else the token endpoint URL is).
   */
  issuer?: string | URL;
  /** The client's id. */
  clientId: string;
  /** The client's secret, for `client_secret_basic` (default) or `client_secret_post`. */
  clientSecret?: string;
  /** The client's private key, for `private_key_jwt` (RFC 7523), instead of a secret. */
  privateKey?: ClientPrivateKey;
  /** How a secret is sent. Default `'client_secret_basic'`. */
  authMethod?: 'client_secret_basic' | 'client_secret_post';
  /** The scopes to ask for: space-delimited, or a list. Default: none (the server's default). */
  scope?: string | readonly string[];
  /** The resource indicators (RFC 8707) the token is for: the APIs' URLs. */
  resource?: string | readonly string[];
  /**
   * Seconds before a token expires that a new one is fetched instead. Default 60; at most half
   * the token's lifetime, so a short-lived token is still reused.
   */
  refreshSkew?: number;
  /**
   * Ask for DPoP-bound tokens (RFC 9449) and sign a proof for each request. `true` makes a
   * non-extractable ES256 key pair; `{ key }` uses yours.
   */
  dpop?: boolean | { key?: CryptoKeyPair };
  /** Milliseconds to get a token, retries included, before a `timeout` error. Default 5000. */
  timeout?: number;
  /** Tries after the first on a 5xx, a 429 or a network error. Default 2 (3 tries in all). */
  retries?: number;
  /** The fetch used for the token endpoint and discovery. Default `globalThis.fetch`. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** The clock, epoch milliseconds. Default `Date.now`. */
  now?: () => number;
}

type CryptoKeyPair = oauth.CryptoKeyPair;

/**
 * A client-credentials {@link CredentialProvider}. `toString()`, `toJSON()` and `util.inspect`
 * show the client, the endpoint and masked secrets, never a secret or a token.
 *
 * @example
 * ```ts
 * const provider: ClientCredentials = clientCredentials({ tokenEndpoint, clientId, clientSecret });
 * const headers = await provider.getHeaders(); // { authorization: 'Bearer eyJ…' }
 * ```
 */
export interface ClientCredentials extends CredentialProvider {
  /**
   * `Authorization: Bearer <token>`, or `Authorization: DPoP <token>` and a `DPoP` proof for
   * `request` (which DPoP needs). Fetches a token when there is none, or it is due for refresh.
   */
  getHeaders(request?: AuthRequest): Promise<Record<string, string>>;
  /** Drop the token `refused` carried (all of it without `refused`): the next call fetches one. */
  invalidate(refused?: Record<string, string>): void;
  /** Fetch a new token now (joining one already in flight). */
  refresh(): Promise<void>;
  /** The current access token, fetched if need be: for a client that sends it some other way. */
  getAccessToken(): Promise<string>;
}

interface Token {
  readonly accessToken: string;
  /** `Bearer <token>` or `DPoP <token>`. */
  readonly authorization: string;
  readonly expiresAt: number;
  /** When a new token is fetched instead; moved later after a failed early refresh. */
  refreshAt: number;
}

const WHERE = 'clientCredentials()';
const KNOWN = [
  'tokenEndpoint',
  'issuer',
  'clientId',
  'clientSecret',
  'privateKey',
  'authMethod',
  'scope',
  'resource',
  'refreshSkew',
  'dpop',
  'timeout',
  'retries',
  'fetch',
  'now',
];
/** Lifetime assumed when a token response has no `expires_in`, in ms. */
const DEFAULT_LIFETIME = 300_000;
/** After a failed early refresh, the old token is used this long (at most) before trying again. */
const RETRY_AFTER_FAILURE = 5_000;
// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** A try that may succeed if made again: a 5xx or 429 (`status`), or no answer at all. */
class Transient extends Error {
  constructor(
    readonly status: number | undefined,
    cause?: unknown,
  ) {
    super(status === undefined ? 'network error' : `HTTP ${status}`, { cause });
  }
}

/** The token endpoint wants a DPoP nonce it has just sent: try again at once, once. */
class NonceWanted extends Error {}

const isTransientStatus = (status: number) => status >= 500 || status === 429;
const plural = (n: number) => (n === 1 ? '1 try' : `${n} tries`);
/** Server-sent text fit for a message: printable, short. */
const printable = (text: string, max: number) => text.replace(/[^\x20-\x7e]/g, '?').slice(0, max);

function listOf(name: string, value: unknown): string[] {
  const list = typeof value === 'string' ? value.split(' ').filter(Boolean) : value;
  if (!Array.isArray(list) || list.some((v) => typeof v !== 'string' || v === '')) {
    throw new TypeError(`${WHERE}: \`${name}\` must be a string or an array of strings`);
  }
  return list;
}

function checkNumber(name: string, value: unknown, min: number, max: number, integer = false) {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    throw new TypeError(
      `${WHERE}: \`${name}\` must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`,
    );
  }
  return value;
}

/**
 * Get access tokens with the OAuth 2.0 client credentials grant and send them with every request.
 * A token is reused until `refreshSkew` before it expires (counted from `expires_in` on this
 * machine's clock, from when the request was sent: a skewed clock cannot make it late); however
 * many requests wait for a token, one token request is made. A 5xx, a 429 or a network error is
 * tried again with backoff, within `timeout`; then, or for a refusal, an {@link OAuthClientError}.
 *
 * @example
 * ```ts
 * const provider = clientCredentials({
 *   issuer: 'https://auth.example.com',
 *   clientId: 'billing-agent',
 *   clientSecret: process.env.CLIENT_SECRET,
 *   scope: 'billing:read',
 *   resource: 'https://api.example.com',
 * });
 * const api = authFetch(provider);
 * const res = await api('https://api.example.com/billing/invoices');
 * ```
 */
export function clientCredentials(options: ClientCredentialsOptions): ClientCredentials {
  checkOptions(WHERE, options, KNOWN);
  const o = options;
  if (o.tokenEndpoint === undefined && o.issuer === undefined) {
    throw new TypeError(`${WHERE}: needs \`tokenEndpoint\` or \`issuer\``);
  }
  const tokenUrl =
    o.tokenEndpoint === undefined
      ? undefined
      : endpointUrl(WHERE, 'tokenEndpoint', o.tokenEndpoint);
  const issuerUrl = o.issuer === undefined ? undefined : endpointUrl(WHERE, 'issuer', o.issuer);
  if (typeof o.clientId !== 'string' || o.clientId === '') {
    throw new TypeError(`${WHERE}: \`clientId\` must be a non-empty string`);
  }
  const clientId = o.clientId;
  if ((o.clientSecret === undefined) === (o.privateKey === undefined)) {
    throw new TypeError(
      `${WHERE}: give one of \`clientSecret\` (client_secret_basic or _post) and \`privateKey\` (private_key_jwt)`,
    );
  }
  if (
    o.clientSecret !== undefined &&
    (typeof o.clientSecret !== 'string' || o.clientSecret === '')
  ) {
    throw new TypeError(`${WHERE}: \`clientSecret\` must be a non-empty string`);
  }
  const secret = o.clientSecret;
  const authMethod = o.authMethod ?? 'client_secret_basic';
  if (authMethod !== 'client_secret_basic' && authMethod !== 'client_secret_post') {
    throw new TypeError(
      `${WHERE}: \`authMethod\` must be 'client_secret_basic' or 'client_secret_post'`,
    );
  }
  if (o.authMethod !== undefined && secret === undefined) {
    throw new TypeError(
      `${WHERE}: \`authMethod\` is for a \`clientSecret\`; a \`privateKey\` uses private_key_jwt`,
    );
  }
  const loadKey = o.privateKey === undefined ? undefined : privateKeyLoader(WHERE, o.privateKey);

  const scopes = o.scope === undefined ? [] : listOf('scope', o.scope);
  if (!scopes.every((s) => SCOPE_TOKEN.test(s))) {
    throw new TypeError(`${WHERE}: \`scope\` has a character a scope cannot hold`);
  }
  const resources = o.resource === undefined ? [] : listOf('resource', o.resource);
  for (const resource of resources) {
    let url: URL | undefined;
    try {
      url = new URL(resource);
    } catch {}
    if (url === undefined || url.hash !== '') {
      throw new TypeError(`${WHERE}: each \`resource\` must be an absolute URL without a fragment`);
    }
  }
  const refreshSkew = checkNumber('refreshSkew', o.refreshSkew ?? 60, 0, 86_400) * 1000;
  const timeout = checkNumber('timeout', o.timeout ?? 5000, 1, 600_000);
  const retries = checkNumber('retries', o.retries ?? 2, 0, 10, true);
  if (o.fetch !== undefined && typeof o.fetch !== 'function') {
    throw new TypeError(`${WHERE}: \`fetch\` must be a function`);
  }
  if (o.now !== undefined && typeof o.now !== 'function') {
    throw new TypeError(`${WHERE}: \`now\` must be a function returning epoch milliseconds`);
  }
  const now = o.now ?? Date.now;
  const dpop = o.dpop ?? false;
  if (typeof dpop !== 'boolean' && (typeof dpop !== 'object' || dpop === null)) {
    throw new TypeError(`${WHERE}: \`dpop\` must be true, false or { key }`);
  }
  if (typeof dpop === 'object') checkOptions(`${WHERE} dpop`, dpop, ['key']);
  const userKeyPair =
    typeof dpop === 'object' && dpop.key !== undefined
      ? checkDpopKeyPair(WHERE, dpop.key)
      : undefined;
  const useDpop = dpop !== false;

  const userFetch = o.fetch;
  // Every token endpoint and discovery request: a failure to connect is a Transient.
  const send = async (url: string, init: oauth.CustomFetchOptions<string, unknown>) => {
    try {
      return await (userFetch ?? globalThis.fetch)(url, init as RequestInit);
    } catch (cause) {
      throw new Transient(undefined, cause);
    }
  };
  const transport = (url: URL) => ({
    [oauth.customFetch]: send,
    [oauth.allowInsecureRequests]: url.protocol === 'http:',
  });

  const client: oauth.Client = { client_id: clientId };
  const parameters = new URLSearchParams();
  if (scopes.length > 0) parameters.set('scope', scopes.join(' '));
  for (const resource of resources) parameters.append('resource', resource);

  let clientAuth: Promise<oauth.ClientAuth> | undefined;
  const authentication = (): Promise<oauth.ClientAuth> => {
    clientAuth ??=
      loadKey === undefined
        ? Promise.resolve(
            authMethod === 'client_secret_post'
              ? oauth.ClientSecretPost(secret!)
              : oauth.ClientSecretBasic(secret!),
          )
        : loadKey().then(
            (key) => oauth.PrivateKeyJwt(key),
            (err) => {
              clientAuth = undefined;
              throw err;
            },
          );
    return clientAuth;
  };

  // DPoP: one key pair for the token endpoint's proofs (oauth4webapi) and the API's (ours).
  let dpopState: Promise<{ handle: oauth.DPoPHandle; signer: DpopSigner }> | undefined;
  const dpopOf = () => {
    dpopState ??= (userKeyPair ? Promise.resolve(userKeyPair) : generateDpopKeyPair()).then(
      (keyPair) => ({ handle: oauth.DPoP(client, keyPair), signer: dpopSigner(keyPair, now) }),
    );
    return dpopState;
  };
  // Resource servers' DPoP nonces by origin, the last 100 origins.
  const nonces = new Map<string, string>();

  let metadata: oauth.AuthorizationServer | undefined =
    tokenUrl === undefined
      ? undefined
      : // The issuer exactly as given: it is compared as a string (a private_key_jwt audience).
        {
          issuer: o.issuer === undefined ? tokenUrl.href : String(o.issuer),
          token_endpoint: tokenUrl.href,
        };

  async function discover(signal: AbortSignal): Promise<oauth.AuthorizationServer> {
    const issuer = issuerUrl!;
    for (const algorithm of ['oidc', 'oauth2'] as const) {
      const response = await oauth.discoveryRequest(issuer, {
        algorithm,
        signal,
        ...transport(issuer),
      });
      if (response.status === 404 && algorithm === 'oidc') {
        await response.body?.cancel();
        continue;
      }
      if (isTransientStatus(response.status)) {
        await response.body?.cancel();
        throw new Transient(response.status);
      }
      let as: oauth.AuthorizationServer;
      try {
        as = await oauth.processDiscoveryResponse(issuer, response);
      } catch (err) {
        throw new OAuthClientError(
          'invalid_response',
          `discovery failed: ${response.status} ${printable((err as Error).message, 200)}`,
          { status: response.status },
        );
      }
      let endpoint: URL | undefined;
      try {
        endpoint = new URL(String(as.token_endpoint));
      } catch {}
      if (
        typeof as.token_endpoint !== 'string' ||
        endpoint === undefined ||
        !isAllowedEndpoint(endpoint)
      ) {
        throw new OAuthClientError(
          'invalid_response',
          'discovery failed: the metadata names no https token_endpoint',
          { status: response.status },
        );
      }
      return as;
    }
    /* v8 ignore next: the loop returns or throws on its second turn */
    throw new Error('unreachable');
  }

  /** Secrets an error message must not echo, whatever the server put in it. */
  const secrets = () => [secret, current?.accessToken];

  function refusal(err: unknown, status: number): OAuthClientError {
    if (err instanceof oauth.ResponseBodyError) {
      const error = printable(err.error, 64);
      const description =
        typeof err.error_description === 'string' && err.error_description !== ''
          ? ` (${redact(printable(err.error_description, 200), secrets())})`
          : '';
      return new OAuthClientError(
        codeOf(err.error),
        `token request failed: ${err.status} ${error}${description}`,
        { status: err.status, error: err.error },
      );
    }
    if (err instanceof oauth.WWWAuthenticateChallengeError) {
      const sent = err.cause.find((c) => typeof c.parameters.error === 'string')?.parameters.error;
      const error = sent ?? (err.status === 401 ? 'invalid_client' : 'oauth_error');
      return new OAuthClientError(
        codeOf(error),
        `token request failed: ${err.status} ${printable(error, 64)}`,
        { status: err.status, ...(sent !== undefined && { error: sent }) },
      );
    }
    if (
      err instanceof oauth.OperationProcessingError ||
      err instanceof oauth.UnsupportedOperationError
    ) {
      // Its `cause` may hold the response body, token included: only the message is kept.
      return new OAuthClientError(
        'invalid_response',
        `token request failed: ${status} ${printable(err.message, 200)}`,
        { status },
      );
    }
    throw err;
  }

  /** One try: discovery when still needed, then the token request. */
  async function attempt(signal: AbortSignal): Promise<Token> {
    metadata ??= await discover(signal);
    const as = metadata;
    const endpoint = new URL(as.token_endpoint!);
    const auth = await authentication();
    const proofs = useDpop ? await dpopOf() : undefined;
    const sentAt = now();
    const response = await oauth.clientCredentialsGrantRequest(as, client, auth, parameters, {
      signal,
      ...transport(endpoint),
      ...(proofs && { DPoP: proofs.handle }),
    });
    if (isTransientStatus(response.status)) {
      await response.body?.cancel();
      throw new Transient(response.status);
    }
    let result: oauth.TokenEndpointResponse;
    try {
      result = await oauth.processClientCredentialsResponse(as, client, response);
    } catch (err) {
      if (proofs && oauth.isDPoPNonceError(err)) throw new NonceWanted();
      throw refusal(err, response.status);
    }
    const scheme = result.token_type === 'dpop' ? 'DPoP' : 'Bearer';
    if ((scheme === 'DPoP') !== useDpop) {
      throw new OAuthClientError(
        'invalid_response',
        useDpop
          ? 'token request failed: a Bearer token was issued although DPoP was asked for'
          : 'token request failed: a DPoP token was issued although none was asked for',
        { status: response.status },
      );
    }
    const expiresIn = result.expires_in;
    const lifetime =
      typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn * 1000 : DEFAULT_LIFETIME;
    return {
      accessToken: result.access_token,
      authorization: `${scheme} ${result.access_token}`,
      expiresAt: sentAt + lifetime,
      refreshAt: sentAt + lifetime - Math.min(refreshSkew, lifetime / 2),
    };
  }

  /** Tries, with backoff, until a token, a refusal, or the deadline. */
  async function requestToken(): Promise<Token> {
    const signal = AbortSignal.timeout(timeout);
    const deadline = new Promise<never>((_, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    deadline.catch(() => {});
    const timedOut = () =>
      new OAuthClientError('timeout', `token request failed: no token within ${timeout} ms`);
    let nonceRetried = false;
    for (let tries = 1; ; ) {
      try {
        return await Promise.race([attempt(signal), deadline]);
      } catch (err) {
        if (signal.aborted) throw timedOut();
        if (err instanceof NonceWanted && !nonceRetried) {
          nonceRetried = true;
          continue;
        }
        if (err instanceof NonceWanted) {
          throw new OAuthClientError(
            'invalid_dpop_proof',
            'token request failed: 400 use_dpop_nonce (the server kept asking for a new nonce)',
            { status: 400, error: 'use_dpop_nonce' },
          );
        }
        if (!(err instanceof Transient)) throw err;
        if (tries > retries) {
          throw err.status === undefined
            ? new OAuthClientError(
                'network_error',
                `token request failed: no connection after ${plural(tries)}`,
                { cause: err.cause },
              )
            : new OAuthClientError(
                'server_error',
                `token request failed: ${err.status} after ${plural(tries)}`,
                { status: err.status },
              );
        }
        // 100–200 ms, then 200–400 ms, …: equal jitter, so a fleet does not retry in step.
        const base = Math.min(2000, 200 * 2 ** (tries - 1));
        const pause = base / 2 + (Math.random() * base) / 2;
        try {
          await Promise.race([new Promise((resolve) => setTimeout(resolve, pause)), deadline]);
        } catch {
          throw timedOut();
        }
        tries += 1;
      }
    }
  }

  let current: Token | undefined;
  let pending: Promise<Token> | undefined;

  /** A new token, from the one token request in flight. */
  function fetchShared(): Promise<Token> {
    pending ??= requestToken()
      .then((token) => {
        current = token;
        return token;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  }

  /** The token to use now: the current one, or a new one when it is due. */
  async function obtain(): Promise<Token> {
    const before = current;
    try {
      return await fetchShared();
    } catch (err) {
      // An early refresh that failed for want of the server: the old token still works for now.
      const t = now();
      if (
        before !== undefined &&
        before === current &&
        t < before.expiresAt &&
        err instanceof OAuthClientError &&
        (err.code === 'server_error' || err.code === 'network_error' || err.code === 'timeout')
      ) {
        before.refreshAt = t + Math.min(RETRY_AFTER_FAILURE, (before.expiresAt - t) / 2);
        return before;
      }
      throw err;
    }
  }

  async function dpopHeaders(token: Token, request: AuthRequest | undefined) {
    if (
      request === undefined ||
      typeof request.url !== 'string' ||
      typeof request.method !== 'string'
    ) {
      throw new TypeError(
        `${WHERE}: getHeaders({ method, url }): a DPoP proof signs the request's method and URL`,
      );
    }
    let origin: string;
    try {
      origin = new URL(request.url).origin;
    } catch {
      throw new TypeError(`${WHERE}: a DPoP proof needs the request's absolute URL`);
    }
    const { signer } = await dpopOf();
    const proof = await signer.proof(
      request.method,
      request.url,
      token.accessToken,
      nonces.get(origin),
    );
    return { authorization: token.authorization, dpop: proof };
  }

  const headersOf = (token: Token, request: AuthRequest | undefined) =>
    useDpop ? dpopHeaders(token, request) : { authorization: token.authorization };

  const provider: ClientCredentials = {
    getHeaders(request) {
      const token = current;
      if (token !== undefined && now() < token.refreshAt) {
        return Promise.resolve(headersOf(token, request));
      }
      return obtain().then((fresh) => headersOf(fresh, request));
    },
    invalidate(refused) {
      if (refused === undefined || refused['authorization'] === current?.authorization) {
        current = undefined;
      }
    },
    async refresh() {
      await fetchShared();
    },
    async getAccessToken() {
      const token = current;
      if (token !== undefined && now() < token.refreshAt) return token.accessToken;
      return (await obtain()).accessToken;
    },
  };
  if (useDpop) {
    provider.useDpopNonce = (url, nonce) => {
      let origin: string;
      try {
        origin = new URL(url).origin;
      } catch {
        return;
      }
      nonces.delete(origin);
      if (nonces.size >= 100) nonces.delete(nonces.keys().next().value!);
      nonces.set(origin, nonce);
    };
  }
  const maskedSecret = secret === undefined ? undefined : maskSecret(secret);
  return maskedFace(provider, 'ClientCredentials', () => ({
    clientId,
    ...(tokenUrl ? { tokenEndpoint: tokenUrl.href } : {}),
    ...(issuerUrl ? { issuer: issuerUrl.href } : {}),
    auth: loadKey === undefined ? authMethod : 'private_key_jwt',
    ...(maskedSecret !== undefined && { clientSecret: maskedSecret }),
    ...(scopes.length > 0 && { scope: scopes.join(' ') }),
    ...(resources.length > 0 && { resource: resources }),
    dpop: useDpop,
    token:
      current === undefined
        ? null
        : {
            value: maskSecret(current.accessToken),
            expiresAt: new Date(current.expiresAt).toISOString(),
          },
  }));
}
