// The DPoP rows, in a process of their own (like the Limits rows: nothing the tables timed before
// sits in this heap): what a DPoP request (RFC 9449) costs over a bearer one on the same
// `jwt({ dpop })` authenticator. Paired A/B timing (lib/paired.js) of a cached bearer token
// against the bound token with a fresh proof every call, then, in the same process, the two steps
// a proof should add: one raw node:crypto verify of the proof's algorithm and one
// memoryReplayStore().claim(). Started by micro/dpop.js with `{ quick }` over IPC; answers with
// the rows.
import { createHash, generateKeyPairSync, randomUUID, sign, verify } from 'node:crypto';
import { makeKeys, mintToken } from '../lib/keys.js';
import { paired } from '../lib/paired.js';
import { loadPortcullis, need } from '../lib/portcullis.js';
import { jwtOptions } from './portcullis.js';

/** The proof algorithms timed: what DPoP clients use. */
const ALGS = ['ES256', 'EdDSA'];
const ORIGIN = 'https://api.bench.local';
const METHOD = 'GET';
const PATH = '/orders/7';
/** Claims per timed batch of the replay-store floor (about 1 ms). */
const CLAIM_BATCH = 2000;

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const sha256 = (text) => createHash('sha256').update(text).digest('base64url');
// Node's HTTP parser hands over flat strings, where a template literal makes a rope that the
// first read must copy: every header value is flattened once, before timing.
const flat = (ascii) => Buffer.from(ascii, 'latin1').toString('latin1');

const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s[s.length >> 1];
};

function timeSync(fn, n) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  return Number(process.hrtime.bigint() - t0);
}

async function timeAsync(fn, n) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  return Number(process.hrtime.bigint() - t0);
}

// Run a function for `ms` before it is timed, so it is optimised first.
async function warm(fn, ms) {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) await fn();
  }
}

/**
 * A client's DPoP key: its RFC 7638 thumbprint (the token's `cnf.jkt`), proofs signed with
 * node:crypto before any timing, and the raw verify of one proof signature.
 */
function dpopKey(alg) {
  const ec = alg === 'ES256';
  const { privateKey, publicKey } = ec
    ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : generateKeyPairSync('ed25519');
  const { crv, kty, x, y } = publicKey.export({ format: 'jwk' });
  // The required members in lexicographic order: the thumbprint input and the proof's `jwk`.
  const jwk = ec ? { crv, kty, x, y } : { crv, kty, x };
  const header = b64({ typ: 'dpop+jwt', alg, jwk });
  const signer = ec ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey;
  const verifier = ec ? { key: publicKey, dsaEncoding: 'ieee-p1363' } : publicKey;
  const digest = ec ? 'sha256' : null;
  return {
    jkt: sha256(JSON.stringify(jwk)),
    /** `count` proofs for `token` on `METHOD ORIGIN+PATH`, each with a jti of its own. */
    proofs(count, token) {
      const ath = sha256(token);
      const iat = Math.floor(Date.now() / 1000);
      return Array.from({ length: count }, () => {
        const input = `${header}.${b64({ jti: randomUUID(), htm: METHOD, htu: `${ORIGIN}${PATH}`, iat, ath })}`;
        const signature = sign(digest, Buffer.from(input), signer).toString('base64url');
        return flat(`${input}.${signature}`);
      });
    },
    /** `crypto.verify` with the KeyObject, of a signing input and signature already decoded. */
    check: (input, signature) => verify(digest, input, verifier, signature),
  };
}

/**
 * One raw verify and one claim, each timed in a batch after every A/B pair (alternating which
 * goes first), so load from other processes reaches them as it reaches the pairs; each the median
 * ns per call. `crypto.verify` cycles over 256 decoded proofs; `claim()` takes ids never claimed
 * before (the key's thumbprint and a UUID, like a proof's) on a memoryReplayStore() of its own.
 */
function floors(core, key, proofs, pairs) {
  const samples = proofs.slice(0, 256).map((proof) => {
    const dot = proof.lastIndexOf('.');
    return {
      input: Buffer.from(proof.slice(0, dot)),
      signature: Buffer.from(proof.slice(dot + 1), 'base64url'),
    };
  });
  let j = 0;
  const verifyOne = () => {
    const s = samples[j++ & 255];
    if (!key.check(s.input, s.signature)) throw new Error('raw verify failed');
  };
  const store = core.memoryReplayStore();
  const ids = Array.from({ length: (pairs + 1) * CLAIM_BATCH }, () => `${key.jkt}:${randomUUID()}`);
  const expiresAt = Math.floor(Date.now() / 1000) + 305;
  let k = 0;
  const claimOne = () => {
    if (store.claim(ids[k++], expiresAt) !== true) throw new Error('claim() refused a fresh id');
  };
  // Warm both (the first claim batch too), and size the verify batch to about 8 ms.
  const nVerify = Math.max(8, Math.round(8e6 / (timeSync(verifyOne, 200) / 200)));
  timeSync(claimOne, CLAIM_BATCH);
  const vs = [];
  const cs = [];
  const timeVerify = () => vs.push(timeSync(verifyOne, nVerify) / nVerify);
  const timeClaims = () => cs.push(timeSync(claimOne, CLAIM_BATCH) / CLAIM_BATCH);
  return {
    step(i) {
      if (i % 2 === 0) {
        timeVerify();
        timeClaims();
      } else {
        timeClaims();
        timeVerify();
      }
    },
    result: () => ({ verifyNs: median(vs), claimNs: median(cs), claims: store.size }),
  };
}

async function row(core, alg, { pairs, warmMs, warmProofs }) {
  const issuer = await makeKeys('ES256');
  const key = dpopKey(alg);
  const bearer = mintToken(issuer, 0);
  const bound = mintToken(issuer, 1, undefined, { cnf: { jkt: key.jkt } });
  const auth = core.createAuthenticator({
    methods: [core.jwt({ ...jwtOptions(issuer, 'repeat'), dpop: { origin: ORIGIN } })],
  });
  // The view an adapter builds: the method, the target as received, and every header value.
  const viewOf = (headers) => ({ method: METHOD, url: PATH, header: (name) => headers[name] });
  const bearerHeaders = { authorization: [flat(`Bearer ${bearer}`)] };
  const dpopAuthorization = flat(`DPoP ${bound}`);
  let requests = [];
  let next = 0;
  const load = (proofs) => {
    requests = proofs.map((proof) => ({ authorization: [dpopAuthorization], dpop: [proof] }));
    next = 0;
  };
  const bearerCall = async () => auth.authenticate(viewOf(bearerHeaders));
  const dpopCall = async () => {
    const headers = requests[next++];
    if (headers === undefined) throw new Error('ran out of pre-signed proofs');
    return auth.authenticate(viewOf(headers));
  };

  // Each side must authenticate, and a proof must be good once only (so it is claimed).
  const a = await bearerCall();
  if (typeof a?.subject !== 'string' || a.confirmation !== undefined) {
    throw new Error(`${alg}: the bearer request did not authenticate as bearer`);
  }
  load(key.proofs(1, bound));
  const b = await dpopCall();
  if (b?.confirmation?.jkt !== key.jkt) throw new Error(`${alg}: the DPoP request was not bound`);
  next = 0;
  const replayed = await dpopCall().then(
    () => 'accepted',
    (err) => err?.code,
  );
  if (replayed !== 'ERR_DPOP_PROOF_REPLAYED') {
    throw new Error(`${alg}: a replayed proof was not refused as one (${replayed})`);
  }

  // Warm both; the second half of B's warm-up sizes the batches to about 8 ms.
  await warm(bearerCall, warmMs);
  load(key.proofs(warmProofs, bound));
  await timeAsync(dpopCall, warmProofs / 2);
  const perCall = (await timeAsync(dpopCall, warmProofs / 2)) / (warmProofs / 2);
  const batch = Math.max(8, Math.min(8192, Math.round(8e6 / perCall)));
  // paired() calls each side once, then 200 times to probe, then `pairs` batches of `batch`.
  const calls = 201 + pairs * batch;
  const signStart = performance.now();
  const proofs = key.proofs(calls, bound);
  const signMs = performance.now() - signStart;
  const floor = floors(core, key, proofs, pairs);
  load(proofs);
  const timed = await paired(bearerCall, dpopCall, { pairs, batch, between: floor.step });
  if (next !== calls) throw new Error(`${alg}: ${next} proofs used, ${calls} expected`);
  return {
    alg,
    aNs: timed.aNs,
    bNs: timed.bNs,
    diffNs: timed.diffNs,
    ratio: timed.ratio,
    batch,
    pairs,
    proofs: 1 + warmProofs + calls,
    signMs,
    ...floor.result(),
  };
}

async function rows({ quick }) {
  const pc = await loadPortcullis();
  const core = need(pc.core);
  const options = {
    pairs: quick ? 16 : 40,
    warmMs: quick ? 150 : 300,
    warmProofs: quick ? 1000 : 2000,
  };
  const out = [];
  for (const alg of ALGS) out.push(await row(core, alg, options));
  return out;
}

process.once('message', async (message) => {
  try {
    process.send({ rows: await rows(message) });
  } catch (err) {
    process.send({ error: String(err?.stack ?? err) });
  }
  process.disconnect();
});
