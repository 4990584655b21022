// The Portcullis rows: the core authenticator, the raw jwt() method, and each adapter's
// middleware on the same fakes as the peers. First-seen rows turn the verification cache off
// (`cache: false`); repeated rows keep the defaults.
import { honoRunner, runExpress, runKoa } from '../lib/fakes.js';
import { AUDIENCE, ISSUER } from '../lib/keys.js';
import { need } from '../lib/portcullis.js';

/** jwt() options for `keys`; `cache: false` for first-seen rows. */
export function jwtOptions(keys, mode) {
  const options = { algorithms: [keys.alg], issuer: ISSUER, audience: AUDIENCE };
  if (keys.alg === 'HS256') options.secret = keys.secret;
  else options.publicKey = keys.keyObject;
  if (mode === 'first') options.cache = false;
  return options;
}

// `Bearer <token>` per token, built once: Node's HTTP parser hands over flat strings, where a
// template literal per call would make a rope that the first read must copy.
const headers = new Map();

/** A request view like the adapters build: every value of a header, from Node's headersDistinct. */
export function viewOf(core, token) {
  let header = headers.get(token);
  if (header === undefined) {
    header = `Bearer ${token}`.split('').join('');
    headers.set(token, header);
  }
  return core.fromNodeHeaders({ authorization: [header] });
}

function authenticator(pc, keys, mode) {
  const core = need(pc.core);
  return core.createAuthenticator({ methods: [core.jwt(jwtOptions(keys, mode))] });
}

/** Portcullis rows, in table order. */
export function portcullisCases(pc) {
  return [
    {
      name: 'Portcullis core authenticate()',
      group: 'portcullis',
      key: 'core',
      make: (keys, mode) => {
        const core = need(pc.core);
        const auth = authenticator(pc, keys, mode);
        return (token) => auth.authenticate(viewOf(core, token));
      },
      check: (p) => typeof p?.subject === 'string',
    },
    {
      // Several issuers in one authenticator: the bench issuer's method is the last of three, so
      // each token is routed by its unverified `iss`. First-seen pays the payload decode and parse
      // that routing needs; repeated tokens are routed from a memo, so this row should stay next
      // to the single-issuer row above.
      name: 'Portcullis core, 3 issuers (3 jwt() methods)',
      group: 'portcullis',
      key: 'core-issuers',
      make: (keys, mode) => {
        const core = need(pc.core);
        const options = jwtOptions(keys, mode);
        const auth = core.createAuthenticator({
          methods: [
            core.jwt({ ...options, issuer: 'https://eu.issuer.bench.local/' }),
            core.jwt({ ...options, issuer: 'https://us.issuer.bench.local/' }),
            core.jwt(options),
          ],
        });
        return (token) => auth.authenticate(viewOf(core, token));
      },
      check: (p) => typeof p?.subject === 'string',
    },
    {
      // Cache on, but smaller than the token pool, so every call misses and inserts.
      name: 'Portcullis core, cache on, all misses',
      group: 'portcullis',
      key: 'core-cache-miss',
      modes: ['first'],
      make: (keys) => {
        const core = need(pc.core);
        const options = { ...jwtOptions(keys, 'repeat'), cache: { max: keys.poolSize / 4 } };
        const auth = core.createAuthenticator({ methods: [core.jwt(options)] });
        return (token) => auth.authenticate(viewOf(core, token));
      },
      check: (p) => typeof p?.subject === 'string',
    },
    {
      name: 'Portcullis core, jwks URL',
      group: 'portcullis',
      key: 'core-jwks',
      make: (keys, mode) => {
        if (!keys.jwksUrl) throw new Error('a JWKS holds public keys only (HS256 has none)');
        const core = need(pc.core);
        const { publicKey: _, ...options } = jwtOptions(keys, mode);
        const auth = core.createAuthenticator({
          methods: [core.jwt({ ...options, jwks: keys.jwksUrl })],
        });
        return (token) => auth.authenticate(viewOf(core, token));
      },
      check: (p) => typeof p?.subject === 'string',
    },
    {
      name: 'Portcullis jwt().verify (method)',
      group: 'portcullis',
      key: 'method',
      make: (keys, mode) => {
        const method = need(pc.core).jwt(jwtOptions(keys, mode));
        const ctx = { now: Date.now, realm: 'api' };
        return (token) => method.verify(token, ctx);
      },
      check: (p) => typeof p?.subject === 'string',
    },
    {
      name: 'Portcullis express authenticate()',
      group: 'portcullis',
      key: 'express',
      make: (keys, mode) => {
        const mw = need(pc.express).authenticate(authenticator(pc, keys, mode));
        return (token) => runExpress(mw, token);
      },
      check: (req) => typeof req.auth?.subject === 'string',
    },
    {
      name: 'Portcullis koa authenticate()',
      group: 'portcullis',
      key: 'koa',
      make: (keys, mode) => {
        const mw = need(pc.koa).authenticate(authenticator(pc, keys, mode));
        return (token) => runKoa(mw, token);
      },
      check: (ctx) => typeof ctx.state.auth?.subject === 'string',
    },
    {
      name: 'Portcullis hono authenticate()',
      group: 'portcullis',
      key: 'hono',
      make: (keys, mode) => honoRunner(need(pc.hono).authenticate(authenticator(pc, keys, mode))),
    },
  ];
}
