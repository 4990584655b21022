// The peers, each configured the fastest way its documentation allows (a pre-imported KeyObject
// or CryptoKey where it takes one), with the same issuer, audience and pinned algorithm.
import { expressjwt } from 'express-jwt';
import { auth as oauth2Bearer } from 'express-oauth2-jwt-bearer';
import { createVerifier } from 'fast-jwt';
import { jwt as honoJwt } from 'hono/jwt';
import { jwtVerify } from 'jose';
import koaJwt from 'koa-jwt';
import { honoRunner, runExpress, runKoa } from '../lib/fakes.js';
import { AUDIENCE, ISSUER } from '../lib/keys.js';

const hmac = (keys) => keys.alg === 'HS256';
const NO_EDDSA = 'jsonwebtoken 9 (its verifier) refuses Ed25519 keys';

function fastJwt(cache) {
  return {
    name: `fast-jwt createVerifier (${cache ? 'cache' : 'no cache'})`,
    group: 'peer',
    make: (keys) => {
      const verify = createVerifier({
        key: hmac(keys) ? keys.secret : keys.pem,
        algorithms: [keys.alg],
        allowedIss: ISSUER,
        allowedAud: AUDIENCE,
        cache,
      });
      return (token) => verify(token);
    },
  };
}

/** Every peer row, in table order. `make` throws with a reason when the peer cannot do `alg`. */
export const peerCases = [
  fastJwt(false),
  fastJwt(true),
  {
    name: 'jose jwtVerify',
    group: 'peer',
    make: (keys) => {
      const options = { issuer: ISSUER, audience: AUDIENCE, algorithms: [keys.alg] };
      return (token) => jwtVerify(token, keys.cryptoKey, options);
    },
  },
  {
    name: 'express-jwt',
    group: 'peer',
    make: (keys) => {
      if (keys.alg === 'EdDSA') throw new Error(NO_EDDSA);
      const mw = expressjwt({
        secret: keys.keyObject,
        algorithms: [keys.alg],
        issuer: ISSUER,
        audience: AUDIENCE,
      });
      return (token) => runExpress(mw, token);
    },
    check: (req) => req.auth?.sub !== undefined,
  },
  {
    // As its README shows it: the secret or PEM as a string, which jsonwebtoken parses per call.
    name: 'express-jwt, string secret / PEM',
    group: 'peer',
    make: (keys) => {
      if (keys.alg === 'EdDSA') throw new Error(NO_EDDSA);
      const mw = expressjwt({
        secret: hmac(keys) ? keys.secret : keys.pem,
        algorithms: [keys.alg],
        issuer: ISSUER,
        audience: AUDIENCE,
      });
      return (token) => runExpress(mw, token);
    },
    check: (req) => req.auth?.sub !== undefined,
  },
  {
    name: 'express-oauth2-jwt-bearer',
    group: 'peer',
    make: (keys) => {
      const mw = oauth2Bearer(
        hmac(keys)
          ? { issuer: ISSUER, audience: AUDIENCE, secret: keys.secret, tokenSigningAlg: 'HS256' }
          : { issuer: ISSUER, audience: AUDIENCE, publicKey: keys.pem, tokenSigningAlg: keys.alg },
      );
      return (token) => runExpress(mw, token);
    },
    check: (req) => req.auth?.payload?.sub !== undefined,
  },
  {
    // Its most common setup: keys from a JWKS URL (here on 127.0.0.1), fetched once and cached.
    name: 'express-oauth2-jwt-bearer, jwksUri',
    group: 'peer',
    make: (keys) => {
      if (!keys.jwksUrl) throw new Error('a JWKS holds public keys only (HS256 has none)');
      const mw = oauth2Bearer({
        issuer: ISSUER,
        audience: AUDIENCE,
        jwksUri: keys.jwksUrl,
        tokenSigningAlg: keys.alg,
      });
      return (token) => runExpress(mw, token);
    },
    check: (req) => req.auth?.payload?.sub !== undefined,
  },
  {
    name: 'koa-jwt',
    group: 'peer',
    make: (keys) => {
      if (keys.alg === 'EdDSA') throw new Error(NO_EDDSA);
      const mw = koaJwt({
        secret: keys.keyObject,
        algorithms: [keys.alg],
        issuer: ISSUER,
        audience: AUDIENCE,
      });
      return (token) => runKoa(mw, token);
    },
    check: (ctx) => ctx.state.user?.sub !== undefined,
  },
  {
    name: 'hono/jwt',
    group: 'peer',
    make: (keys) =>
      honoRunner(
        honoJwt({
          secret: keys.cryptoKey,
          alg: keys.alg,
          verification: { iss: ISSUER, aud: AUDIENCE },
        }),
      ),
  },
];

/** What each framework's in-memory path costs with no auth at all (not a peer: the harness). */
export const baselineCases = [
  {
    name: 'express fake req/res, no auth',
    group: 'baseline',
    make: () => (token) => runExpress((_req, _res, next) => next(), token),
  },
  {
    name: 'koa createContext, no auth',
    group: 'baseline',
    make: () => (token) => runKoa((_ctx, next) => next(), token),
  },
  {
    name: 'hono app.fetch, no auth',
    group: 'baseline',
    make: () => honoRunner(null),
  },
];
