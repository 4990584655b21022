import { base64url, type JWTPayload, SignJWT } from 'jose';
import { AUDIENCE, ISSUER, NOW_S, type World } from './world.js';

/** Every credential the scenarios send, minted fresh per run. */
export interface Credentials {
  /** API keys: see `Keys` in world.ts. */
  keys: World['keys'];
  rs256: string;
  es256: string;
  eddsa: string;
  hs256: string;
  expired: string;
  notYetValid: string;
  wrongIssuer: string;
  wrongAudience: string;
  tampered: string;
  algNone: string;
  revoked: string;
}

const encode = (value: unknown) => base64url.encode(JSON.stringify(value));

interface Mint {
  key: CryptoKey | Uint8Array;
  alg: string;
  kid?: string;
  claims?: JWTPayload;
}

function sign({ key, alg, kid, claims = {} }: Mint): Promise<string> {
  const payload: JWTPayload = {
    iss: ISSUER,
    aud: AUDIENCE,
    iat: NOW_S - 60,
    exp: NOW_S + 600,
    jti: crypto.randomUUID(),
    ...claims,
  };
  return new SignJWT(payload)
    .setProtectedHeader(kid === undefined ? { alg, typ: 'JWT' } : { alg, kid, typ: 'JWT' })
    .sign(key);
}

/**
 * Mint the run's tokens: one valid token per algorithm and one for each way a token goes bad.
 *
 * @example
 * ```ts
 * const creds = await mintCredentials(world);
 * ```
 */
export async function mintCredentials(world: World): Promise<Credentials> {
  const { rs256, es256, eddsa, hs256 } = world.signers;
  const rs = (claims: JWTPayload) => sign({ key: rs256, alg: 'RS256', kid: 'rs-1', claims });
  const valid = await rs({ sub: 'user-rs256', scope: 'conversations:read billing:write' });
  const [head, , sig] = valid.split('.');
  const forged = {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'user-rs256',
    exp: NOW_S + 600,
    scope: 'admin',
  };
  const revoked = await rs({ sub: 'user-revoked', jti: 'jti-revoked', scope: 'billing:read' });
  await world.denyList.revoke('jti-revoked', NOW_S + 600);
  return {
    keys: world.keys,
    rs256: valid,
    es256: await sign({
      key: es256,
      alg: 'ES256',
      kid: 'es-1',
      claims: { sub: 'user-es256', scope: 'billing:read' },
    }),
    eddsa: await sign({
      key: eddsa,
      alg: 'EdDSA',
      kid: 'ed-1',
      claims: { sub: 'user-eddsa', scope: 'conversations:read' },
    }),
    hs256: await sign({
      key: hs256,
      alg: 'HS256',
      claims: { sub: 'user-hs256', scope: 'billing:read' },
    }),
    expired: await rs({ sub: 'user-x', iat: NOW_S - 7200, exp: NOW_S - 3600 }),
    notYetValid: await rs({ sub: 'user-x', nbf: NOW_S + 3600, exp: NOW_S + 7200 }),
    wrongIssuer: await rs({ sub: 'user-x', iss: 'https://evil.test/' }),
    wrongAudience: await rs({ sub: 'user-x', aud: 'https://other-api.test' }),
    tampered: `${head}.${encode(forged)}.${sig}`,
    algNone: `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ ...forged, jti: 'n' })}.`,
    revoked,
  };
}
