// A real identity provider for the end-to-end suite: panva's oidc-provider (OpenID certified) on
// 127.0.0.1, issuing JWT access tokens (RFC 9068) to clients of the client credentials grant, one
// resource server per resource indicator (RFC 8707). DPoP (RFC 9449) is on: a client that sends
// a proof to the token endpoint gets an access token bound to the proof's key (`cnf.jkt`,
// `token_type: DPoP`), and the client {@link DPOP_CLIENT} gets no token without one.
//
// Key rotation: oidc-provider fixes its key set at construction, and a real provider rotates by a
// redeploy with a new `jwks`. So the provider sits behind a Node server that keeps the socket —
// same port, same issuer — and `deploy()` swaps in a new Provider built with the new key set:
// `/jwks` and the signing key change at once, exactly as an API sees a redeployed provider.
// Tokens issued before stay valid JWTs (they are stateless). `stop()` closes the socket (the
// provider is down: connections are refused) and `start()` listens on the same port again.
import { randomUUID } from 'node:crypto';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JwtOptions } from '@portcullis/core';
import * as oauth from 'oauth4webapi';
import type { ClientMetadata, Configuration, ResourceServer } from 'oidc-provider';
import type { SigningAlg, SigningKey } from './keys.js';

/** The API under test: scopes `orders:read` and `orders:write`. */
export const ORDERS = 'https://orders.portcullis.test';
/** Another API of the same provider. */
export const BILLING = 'https://billing.portcullis.test';
/** An API whose tokens also carry roles and permissions claims, as Keycloak's and Auth0's do. */
export const REPORTS = 'https://reports.portcullis.test';

/** Seconds an access token lives. */
export const TOKEN_TTL = 300;

interface Resource {
  scope: string;
  claims?: Record<string, unknown>;
}

const RESOURCES: Readonly<Record<string, Resource>> = {
  [ORDERS]: { scope: 'orders:read orders:write' },
  [BILLING]: { scope: 'billing:read' },
  [REPORTS]: {
    scope: 'reports:read',
    claims: { realm_access: { roles: ['orders:read'] }, permissions: ['orders:write'] },
  },
};

/** A client of the client credentials grant; its tokens are signed with `alg`. */
export interface Client {
  id: string;
  secret: string;
  auth: 'client_secret_basic' | 'client_secret_post';
  alg: SigningAlg;
}

// One client per algorithm, both client authentication methods in turn.
const client = (alg: SigningAlg, auth: Client['auth']): Client => ({
  id: `svc-${alg.toLowerCase()}`,
  secret: randomUUID(),
  auth,
  alg,
});

/** The provider's clients, by the algorithm their tokens are signed with. */
export const CLIENTS: Readonly<Record<SigningAlg, Client>> = {
  RS256: client('RS256', 'client_secret_basic'),
  PS256: client('PS256', 'client_secret_post'),
  ES256: client('ES256', 'client_secret_basic'),
  EdDSA: client('EdDSA', 'client_secret_post'),
};

/**
 * A client registered with `dpop_bound_access_tokens: true` (RFC 9449 §5.2): the provider issues
 * it only DPoP-bound tokens, and refuses a token request that carries no proof. ES256 tokens.
 */
export const DPOP_CLIENT: Client = {
  id: 'svc-dpop',
  secret: randomUUID(),
  auth: 'client_secret_basic',
  alg: 'ES256',
};

const ALL_CLIENTS = [...Object.values(CLIENTS), DPOP_CLIENT];

type OidcModule = typeof import('oidc-provider');

/**
 * Run `work` with oidc-provider's console notices dropped: on import it warns that Node 20 is an
 * unsupported runtime (it works), and on construction that its in-memory adapter is for
 * development. Nothing else is filtered.
 */
async function quietly<T>(work: () => T | Promise<T>): Promise<T> {
  const { warn, info } = console;
  const quiet =
    (write: (...args: unknown[]) => void) =>
    (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].startsWith('oidc-provider ')) return;
      write.apply(console, args);
    };
  console.warn = quiet(warn);
  console.info = quiet(info);
  try {
    return await work();
  } finally {
    console.warn = warn;
    console.info = info;
  }
}

/** A Provider for `issuer` signing with the first key of each algorithm in `keys`. */
function provider(oidc: OidcModule, issuer: string, keys: readonly SigningKey[]) {
  const clientAlg = new Map(ALL_CLIENTS.map((c) => [c.id, c.alg]));
  const configuration: Configuration = {
    clients: ALL_CLIENTS.map(
      (c): ClientMetadata => ({
        client_id: c.id,
        client_secret: c.secret,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: c.auth,
        ...(c === DPOP_CLIENT && { dpop_bound_access_tokens: true }),
      }),
    ),
    jwks: { keys: keys.map((k) => k.jwk) as NonNullable<Configuration['jwks']>['keys'] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // On by default in oidc-provider 9, made explicit: proofs signed ES256 or EdDSA (its
      // `enabledJWA.dPoPSigningAlgValues`), no server nonces, each proof `jti` accepted once.
      dPoP: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // Without a `resource` parameter the token is opaque, for the provider's own endpoints.
        getResourceServerInfo(_ctx, indicator, client): ResourceServer {
          const resource = RESOURCES[indicator];
          if (resource === undefined) throw new oidc.errors.InvalidTarget();
          const alg = clientAlg.get(client.clientId)!;
          const kid = keys.find((k) => k.alg === alg)!.kid;
          return {
            audience: indicator,
            scope: resource.scope,
            accessTokenFormat: 'jwt',
            accessTokenTTL: TOKEN_TTL,
            jwt: { sign: { alg, kid } },
          };
        },
      },
    },
    extraTokenClaims: (_ctx, token) => RESOURCES[token.resourceServer?.identifier() ?? '']?.claims,
    ttl: { ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? 60 },
  };
  return new oidc.Provider(issuer, configuration);
}

/** What `token()` asks for. */
export interface TokenRequest {
  /** The resource indicator; `null` sends none. Default {@link ORDERS}. */
  resource?: string | null;
  /** Space-delimited scopes. Default `orders:read`. */
  scope?: string;
}

/** A DPoP token response of the token endpoint. */
export interface DpopTokenResponse {
  access_token: string;
  /** `dpop` (oauth4webapi lower-cases it): the token is bound to the proof's key. */
  token_type: string;
}

/** A running provider. */
export interface Idp {
  /** `http://127.0.0.1:<port>`, no trailing slash: exactly the tokens' `iss`. */
  readonly issuer: string;
  /** `<issuer>/jwks`, as discovery names it. */
  readonly jwksUri: string;
  /** The key set of the current deployment. */
  readonly keys: readonly SigningKey[];
  /** Paths answered 404 in front of the provider (say, a discovery document). */
  readonly hidden: Set<string>;
  /** Requests that reached `path` so far. */
  hits(path: string): number;
  /** Redeploy with a new key set: same port, same issuer, same clients. */
  deploy(keys: readonly SigningKey[]): Promise<void>;
  /** An access token from the client credentials grant, for the client of `alg`. */
  token(alg: SigningAlg, request?: TokenRequest): Promise<string>;
  /** The token endpoint's URL (a DPoP proof's `htu` for a token request). */
  readonly tokenEndpoint: string;
  /**
   * A token for {@link DPOP_CLIENT} from the client credentials grant, with `proof` (the value of
   * the `DPoP` header, made for `POST` {@link Idp.tokenEndpoint}) or, with `oauth`, a DPoP handle
   * of oauth4webapi that makes its own; with neither, no proof is sent (and the provider refuses).
   */
  dpopToken(
    dpop: { proof?: string; oauth?: oauth.DPoPHandle },
    request?: TokenRequest,
  ): Promise<DpopTokenResponse>;
  /** Take the provider down: the port refuses connections. */
  stop(): Promise<void>;
  /** Bring it back on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

const INSECURE = { [oauth.allowInsecureRequests]: true } as const;

/**
 * Start a provider on 127.0.0.1 with `keys` (private JWKs; the first of each algorithm signs).
 *
 * @example
 * ```ts
 * const idp = await startIdp(await keySet());
 * const token = await idp.token('ES256', { scope: 'orders:read' });
 * ```
 */
export async function startIdp(initialKeys: readonly SigningKey[]): Promise<Idp> {
  const oidc = await quietly(() => import('oidc-provider'));
  const hits = new Map<string, number>();
  const hidden = new Set<string>();
  let keys = initialKeys;
  let listener: RequestListener | undefined;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://idp').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (hidden.has(path) || listener === undefined) {
      res.writeHead(404).end();
      return;
    }
    listener(req, res);
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const deploy = async (next: readonly SigningKey[]) => {
    const p = await quietly(() => provider(oidc, issuer, next));
    keys = next;
    listener = p.callback();
  };
  await deploy(initialKeys);

  const issuerUrl = new URL(issuer);
  const as = await oauth.processDiscoveryResponse(
    issuerUrl,
    await oauth.discoveryRequest(issuerUrl, INSECURE),
  );

  const grant = async (
    c: Client,
    { resource = ORDERS, scope = 'orders:read' }: TokenRequest,
    options: oauth.ClientCredentialsGrantRequestOptions = {},
  ) => {
    const auth =
      c.auth === 'client_secret_basic'
        ? oauth.ClientSecretBasic(c.secret)
        : oauth.ClientSecretPost(c.secret);
    const params: Record<string, string> = { scope };
    if (resource !== null) params['resource'] = resource;
    const client = { client_id: c.id };
    const response = await oauth.clientCredentialsGrantRequest(as, client, auth, params, {
      ...INSECURE,
      ...options,
    });
    return await oauth.processClientCredentialsResponse(as, client, response);
  };

  const stop = () =>
    new Promise<void>((resolve, reject) => {
      if (!server.listening) return resolve();
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    });

  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    get keys() {
      return keys;
    },
    hidden,
    hits: (path) => hits.get(path) ?? 0,
    deploy,
    async token(alg, request = {}) {
      return (await grant(CLIENTS[alg], request)).access_token;
    },
    tokenEndpoint: as.token_endpoint!,
    async dpopToken({ proof, oauth: handle }, request = {}) {
      const { access_token, token_type } = await grant(DPOP_CLIENT, request, {
        ...(proof !== undefined && { headers: { dpop: proof } }),
        ...(handle !== undefined && { DPoP: handle }),
      });
      return { access_token, token_type };
    },
    stop,
    start: () => (server.listening ? Promise.resolve() : listen(port)),
    close: stop,
  };
}

/**
 * The `jwt()` options for an API that accepts this provider's access tokens for {@link ORDERS}:
 * the recipe for oidc-provider users.
 *
 * @example
 * ```ts
 * const method = jwt(jwtOptionsFor(idp));
 * ```
 */
export function jwtOptionsFor(idp: Idp): JwtOptions {
  return {
    algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'],
    issuer: idp.issuer,
    audience: ORDERS,
    jwks: idp.jwksUri,
    typ: 'at+jwt',
  };
}
