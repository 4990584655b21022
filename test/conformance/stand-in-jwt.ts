// TEMPORARY: a jose-based stand-in for core's jwt() while it is not implemented yet, so the
// table runs end to end. Removed once jwt() lands.
import {
  AuthError,
  AuthErrorCodes,
  type JwtOptions,
  jwt,
  type Method,
  type Principal,
} from '@portcullis/core';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';

function standIn(o: JwtOptions): Method {
  const jwks = o.jwks;
  const key: Uint8Array | JWTVerifyGetKey =
    typeof jwks === 'string' || jwks instanceof URL
      ? createRemoteJWKSet(new URL(jwks))
      : jwks !== undefined
        ? createLocalJWKSet(jwks)
        : (o.secret as Uint8Array);
  const fail = (realm: string) =>
    new AuthError({
      status: 401,
      error: 'invalid_token',
      code: AuthErrorCodes.JWT_SIGNATURE_INVALID,
      description: 'The token is invalid',
      realm,
    });
  return {
    type: 'jwt',
    headers: [],
    cookies: [],
    claims: (value) => /^[\w-]+\.[\w-]+\.[\w-]*$/.test(value),
    async verify(value, ctx): Promise<Principal> {
      let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
      try {
        ({ payload } = await jwtVerify(value, key as Uint8Array, {
          issuer: o.issuer as string,
          audience: o.audience as string,
          algorithms: [...o.algorithms],
          currentDate: new Date(ctx.now()),
          requiredClaims: ['exp', 'jti'],
        }));
      } catch (err) {
        if (err instanceof errors.JOSEError && !(err instanceof errors.JWKSTimeout))
          throw fail(ctx.realm);
        throw new AuthError({
          status: 503,
          error: 'temporarily_unavailable',
          code: AuthErrorCodes.JWKS_UNAVAILABLE,
          description: 'Authentication is temporarily unavailable',
        });
      }
      if (await o.denyList?.isRevoked(payload.jti!)) throw fail(ctx.realm);
      return {
        method: 'jwt',
        subject: payload.sub!,
        scopes: String(payload.scope ?? '')
          .split(' ')
          .filter(Boolean),
        claims: payload,
      };
    },
  };
}

/** core's jwt(), or the stand-in while it throws "not implemented yet". */
export function jwtOrStandIn(options: JwtOptions): Method {
  try {
    return jwt(options);
  } catch (err) {
    if (err instanceof Error && err.message === 'not implemented yet') return standIn(options);
    throw err;
  }
}
