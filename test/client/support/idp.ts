// oidc-provider (panva's, OpenID certified) on 127.0.0.1 for @portcullis/client: the client
// credentials grant with each client authentication a client of ours can use —
// client_secret_basic, client_secret_post, private_key_jwt (RFC 7523) — JWT access tokens for one
// resource indicator (RFC 8707), and DPoP-bound tokens (RFC 9449), with server nonces on demand.
// Every request that reaches it is counted by path.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { ClientMetadata, Configuration } from 'oidc-provider';

/** The API the tokens are for, and its scopes. */
export const ORDERS = 'https://orders.portcullis.test';
export const ORDERS_SCOPES = 'orders:read orders:write';
/** Seconds an access token lives. */
export const TOKEN_TTL = 300;

export interface ClientSet {
  /** client_secret_basic */
  basic: { id: string; secret: string };
  /** client_secret_post */
  post: { id: string; secret: string };
  /** private_key_jwt: the private key stays here, its public JWK is registered. */
  signed: { id: string; privateKey: CryptoKey; kid: string };
  /** client_secret_basic, registered for DPoP-bound tokens only. */
  dpop: { id: string; secret: string };
}

export interface ClientIdp {
  /** `http://127.0.0.1:<port>`: the tokens' `iss`. */
  readonly issuer: string;
  readonly tokenEndpoint: string;
  readonly jwksUri: string;
  readonly clients: ClientSet;
  /** Requests that reached `path` so far. */
  hits(path: string): number;
  /** Ask DPoP token requests for a server nonce (`use_dpop_nonce`) from now on. */
  requireNonce(on: boolean): void;
  close(): Promise<void>;
}

/**
 * Run `work` with oidc-provider's console notices dropped (the Node 20 runtime warning on import,
 * the development adapter notice on construction); nothing else is filtered.
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

/**
 * Start the provider.
 *
 * @example
 * ```ts
 * const idp = await startClientIdp();
 * const provider = clientCredentials({ issuer: idp.issuer, clientId: idp.clients.basic.id, … });
 * ```
 */
export async function startClientIdp(): Promise<ClientIdp> {
  const oidc = await quietly(() => import('oidc-provider'));
  const signing = await generateKeyPair('ES256', { extractable: true });
  const signingJwk: JWK = { ...(await exportJWK(signing.privateKey)), kid: 'as-1', alg: 'ES256' };
  const clientKey = await generateKeyPair('ES256');
  const clientJwk: JWK = {
    ...(await exportJWK(clientKey.publicKey)),
    kid: 'client-1',
    alg: 'ES256',
  };

  const clients: ClientSet = {
    basic: { id: 'cc-basic', secret: randomUUID() },
    post: { id: 'cc-post', secret: randomUUID() },
    signed: { id: 'cc-jwt', privateKey: clientKey.privateKey, kid: 'client-1' },
    dpop: { id: 'cc-dpop', secret: randomUUID() },
  };
  const grant = {
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
    id_token_signed_response_alg: 'ES256',
  } satisfies Partial<ClientMetadata>;
  let nonces = false;

  const hits = new Map<string, number>();
  let listener: ((req: never, res: never) => void) | undefined;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://idp').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    listener!(req as never, res as never);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const configuration: Configuration = {
    clients: [
      {
        ...grant,
        client_id: clients.basic.id,
        client_secret: clients.basic.secret,
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        ...grant,
        client_id: clients.post.id,
        client_secret: clients.post.secret,
        token_endpoint_auth_method: 'client_secret_post',
      },
      {
        ...grant,
        client_id: clients.signed.id,
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES256',
        jwks: { keys: [clientJwk as never] },
      },
      {
        ...grant,
        client_id: clients.dpop.id,
        client_secret: clients.dpop.secret,
        token_endpoint_auth_method: 'client_secret_basic',
        dpop_bound_access_tokens: true,
      },
    ],
    jwks: { keys: [signingJwk as never] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => nonces },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => ORDERS,
        getResourceServerInfo(_ctx, indicator) {
          if (indicator !== ORDERS) throw new oidc.errors.InvalidTarget();
          return {
            audience: ORDERS,
            scope: ORDERS_SCOPES,
            accessTokenFormat: 'jwt',
            accessTokenTTL: TOKEN_TTL,
            jwt: { sign: { alg: 'ES256', kid: 'as-1' } },
          };
        },
      },
    },
    ttl: { ClientCredentials: TOKEN_TTL },
  };
  const provider = await quietly(() => new oidc.Provider(issuer, configuration));
  listener = provider.callback() as never;

  return {
    issuer,
    tokenEndpoint: `${issuer}/token`,
    jwksUri: `${issuer}/jwks`,
    clients,
    hits: (path) => hits.get(path) ?? 0,
    requireNonce(on) {
      nonces = on;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
