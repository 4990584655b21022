import type { JwtOptions } from '@portcullis/core';
import { checkOptions } from '@portcullis/core/adapter';
import { base64url, type JWK, type JWTHeaderParameters, type JWTPayload, SignJWT } from 'jose';
import type { DpopKey } from './dpop.js';
import { toSeconds } from './duration.js';
import { assertAlgorithm, makeSigningKey, type SigningKey, type TestAlgorithm } from './keys.js';
import { tamper } from './tamper.js';

/**
 * The deliberately broken tokens `sign(claims, { broken })` can make, each one a token a correct
 * verifier must refuse with 401 `invalid_token`.
 *
 * @example
 * ```ts
 * it.each(BROKEN_TOKEN_KINDS)('refuses a %s token', async (broken) => {
 *   expect((await get(await issuer.sign({}, { broken }))).status).toBe(401);
 * });
 * ```
 */
export const BROKEN_TOKEN_KINDS = [
  'expired',
  'not-yet-valid',
  'issued-in-future',
  'wrong-issuer',
  'wrong-audience',
  'tampered',
  'other-key',
  'alg-none',
  'missing-exp',
] as const;

/** One of {@link BROKEN_TOKEN_KINDS}. */
export type BrokenTokenKind = (typeof BROKEN_TOKEN_KINDS)[number];

/** Options of {@link createTestIssuer}. */
export interface TestIssuerOptions {
  /** The signing algorithm. Default `'ES256'`. */
  algorithm?: TestAlgorithm;
  /** The `iss` of every token. Default `'https://issuer.test/'`. */
  issuer?: string;
  /** The `aud` of every token. Default `'https://api.test'`. */
  audience?: string;
  /** The key id in the JWKS and in each token's header. Default a random `test-…` id. */
  kid?: string;
  /** The clock, epoch milliseconds (as in `createAuthenticator({ now })`). Default `Date.now`. */
  now?: () => number;
}

/** Options of {@link TestIssuer.sign}. Relative times count from the token's `iat`. */
export interface SignOptions {
  /** Lifetime: seconds or `'30s'`, `'5m'`, `'2h'`; negative for an already expired token. Default `'5m'`. */
  expiresIn?: number | string;
  /** Set `nbf` this long after `iat` (seconds or a duration string). */
  notBefore?: number | string;
  /** The `iat`, epoch seconds. Default the issuer's clock. */
  issuedAt?: number;
  /** Extra protected header parameters (`typ`, a different `kid`, …). */
  header?: Partial<JWTHeaderParameters>;
  /** The `sub`. Default `'test-subject'`. */
  subject?: string;
  /** The `jti`. Default a random UUID. */
  jti?: string;
  /** Make a token a verifier must refuse; see {@link BROKEN_TOKEN_KINDS}. */
  broken?: BrokenTokenKind;
  /** Bind the token to this DPoP key (RFC 9449): `cnf: { jkt: key.thumbprint }`. */
  dpop?: Pick<DpopKey, 'thumbprint'>;
}

const SIGN_OPTIONS = [
  'expiresIn',
  'notBefore',
  'issuedAt',
  'header',
  'subject',
  'jti',
  'broken',
  'dpop',
];

/** The options a test issuer hands to core's `jwt()`. */
export type TestJwtOptions = Pick<
  JwtOptions,
  'algorithms' | 'issuer' | 'audience' | 'jwks' | 'secret'
> & { algorithms: [TestAlgorithm]; issuer: string; audience: string };

/**
 * A local token issuer with a fresh key, made by {@link createTestIssuer}.
 *
 * @example
 * ```ts
 * const issuer: TestIssuer = await createTestIssuer({ algorithm: 'RS256' });
 * jwksServer.serve(issuer.jwks);
 * ```
 */
export interface TestIssuer {
  readonly issuer: string;
  readonly audience: string;
  readonly algorithm: TestAlgorithm;
  readonly kid: string;
  /** The public key set (asymmetric algorithms), to serve from a fake JWKS endpoint. */
  readonly jwks: { keys: JWK[] } | undefined;
  /** The HMAC secret (HS* algorithms). */
  readonly secret: Uint8Array | undefined;
  /** Spread into `jwt()`: pinned algorithm, issuer, audience and the key set or secret. */
  readonly jwtOptions: TestJwtOptions;
  /**
   * Sign a token. Defaults: `iss`, `aud`, `sub: 'test-subject'`, `iat` now, `exp` in 5 minutes, a
   * random `jti`. `claims` override the defaults; a claim set to `undefined` is left out.
   */
  sign(claims?: JWTPayload, options?: SignOptions): Promise<string>;
}

const DEFAULT_TTL = 300;
const FAR = 3600;

/**
 * Make a token issuer for tests: a fresh key pair on every call (never a key checked into the
 * repository), options to spread into `jwt()`, and `sign()` for good and deliberately broken
 * tokens.
 *
 * @example
 * ```ts
 * const issuer = await createTestIssuer();
 * const authenticator = createAuthenticator({ methods: [jwt(issuer.jwtOptions)] });
 * const token = await issuer.sign({ scope: 'billing:read' });
 * const expired = await issuer.sign({}, { broken: 'expired' });
 * ```
 */
export async function createTestIssuer(options: TestIssuerOptions = {}): Promise<TestIssuer> {
  checkOptions('createTestIssuer()', options, ['algorithm', 'issuer', 'audience', 'kid', 'now']);
  const algorithm = options.algorithm ?? 'ES256';
  assertAlgorithm(algorithm);
  const issuer = options.issuer ?? 'https://issuer.test/';
  const audience = options.audience ?? 'https://api.test';
  if (typeof issuer !== 'string' || issuer === '' || typeof audience !== 'string' || !audience) {
    throw new TypeError('createTestIssuer(): `issuer` and `audience` must be non-empty strings');
  }
  const now = options.now ?? Date.now;
  if (typeof now !== 'function')
    throw new TypeError('createTestIssuer(): `now` must be a function');
  const kid = options.kid ?? `test-${crypto.randomUUID().slice(0, 8)}`;
  const key = await makeSigningKey(algorithm, kid);
  let otherKey: Promise<SigningKey> | undefined;

  const jwks = key.publicJwk ? { keys: [{ ...key.publicJwk }] } : undefined;
  const jwtOptions: TestJwtOptions = key.secret
    ? { algorithms: [algorithm], issuer, audience, secret: key.secret }
    : { algorithms: [algorithm], issuer, audience, jwks: { keys: [key.publicJwk as JWK] } };

  async function sign(claims: JWTPayload = {}, opts: SignOptions = {}): Promise<string> {
    checkOptions('sign()', opts, SIGN_OPTIONS);
    const iat = opts.issuedAt ?? Math.floor(now() / 1000);
    const payload: JWTPayload = {
      iss: issuer,
      aud: audience,
      sub: opts.subject ?? 'test-subject',
      iat,
      exp: iat + toSeconds(opts.expiresIn ?? DEFAULT_TTL, 'expiresIn'),
      jti: opts.jti ?? crypto.randomUUID(),
    };
    if (opts.notBefore !== undefined) payload.nbf = iat + toSeconds(opts.notBefore, 'notBefore');
    Object.assign(payload, claims);
    if (opts.dpop !== undefined) {
      const jkt = opts.dpop?.thumbprint;
      if (typeof jkt !== 'string' || jkt === '') {
        throw new TypeError('sign(): `dpop` must be a key from createDpopKey()');
      }
      const cnf = payload.cnf;
      payload.cnf = { ...(typeof cnf === 'object' && cnf !== null ? cnf : {}), jkt };
    }
    const header: JWTHeaderParameters = { ...opts.header, alg: algorithm, kid };
    if (opts.header?.kid !== undefined) header.kid = opts.header.kid;
    let signWith = key.signWith;
    switch (opts.broken) {
      case undefined:
        break;
      case 'expired':
        Object.assign(payload, { iat: iat - 2 * FAR, exp: iat - FAR });
        break;
      case 'not-yet-valid':
        payload.nbf = iat + FAR;
        break;
      case 'issued-in-future':
        Object.assign(payload, { iat: iat + FAR, exp: iat + 2 * FAR });
        break;
      case 'wrong-issuer':
        payload.iss = 'https://wrong-issuer.test/';
        break;
      case 'wrong-audience':
        payload.aud = 'https://wrong-audience.test';
        break;
      case 'missing-exp':
        delete payload.exp;
        break;
      case 'other-key':
        otherKey ??= makeSigningKey(algorithm, kid);
        signWith = (await otherKey).signWith;
        break;
      case 'alg-none':
        return unsigned(payload, { ...header, alg: 'none' });
      case 'tampered':
        break;
      default:
        throw new TypeError(`sign(): \`broken\` must be one of ${BROKEN_TOKEN_KINDS.join(', ')}`);
    }
    const token = await new SignJWT(JSON.parse(JSON.stringify(payload)))
      .setProtectedHeader(header)
      .sign(signWith);
    return opts.broken === 'tampered' ? tamper(token) : token;
  }

  return {
    issuer,
    audience,
    algorithm,
    kid,
    jwks,
    secret: key.secret,
    jwtOptions,
    sign,
  };
}

function unsigned(payload: JWTPayload, header: Record<string, unknown>): string {
  const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
  return `${encode(header)}.${encode(JSON.parse(JSON.stringify(payload)))}.`;
}
