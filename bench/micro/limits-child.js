// The Limits rows, in a process of their own (like the targets: nothing the tables timed before
// sits in this heap): what a rate limit or a budget pre-check with memoryLimitStore() adds to a
// request whose credential is cached. Each row is paired A/B timing (lib/paired.js) of
// `authenticate(view)` alone against the same followed by the check, as an adapter runs it after
// authenticate(). Started by micro/limits.js with `{ quick }` over IPC; answers with the rows.
import { makeKeys, mintToken } from '../lib/keys.js';
import { paired } from '../lib/paired.js';
import { loadPortcullis, need } from '../lib/portcullis.js';
import { jwtOptions, viewOf } from './portcullis.js';

/**
 * One principal hits its own bucket on every call, so the limit must hold the whole run: far more
 * units than the calls timed (at most about a million per row), so it never empties. `remaining`
 * at the end shows how far it was from a refusal.
 */
const RATE = { limit: 100_000_000, window: 3600 };
/** A daily budget the principal has already spent some of (the pre-check reads it, spends 0). */
const BUDGET = { quota: 1_000_000, period: 'day' };
const SPENT = 1234;
/** Other principals with a bucket or a budget in the same store, so its map is not a 1-entry one. */
const OTHERS = 1000;

// Run a function for `ms` before it is timed, so both sides are optimised first.
async function warm(fn, ms) {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) await fn();
  }
}

/** The two cached credentials: an API key with a cached record, and a repeated HS256 token. */
async function credentials(core) {
  const { key, hash } = core.generateApiKey({ prefix: 'pcs' });
  const record = { id: 'key_bench', subject: 'svc-bench', scopes: ['orders:read'] };
  const apiKeyAuth = core.createAuthenticator({
    methods: [core.apiKey({ prefix: 'pcs', lookup: (h) => (h === hash ? record : null) })],
  });
  const keys = await makeKeys('HS256');
  const token = mintToken(keys, 0);
  const jwtAuth = core.createAuthenticator({
    methods: [core.jwt(jwtOptions(keys, 'repeat'))],
  });
  return [
    {
      name: 'API key, cached record',
      auth: apiKeyAuth,
      view: () => core.fromNodeHeaders({ 'x-api-key': [key] }),
    },
    { name: 'JWT HS256, cached token', auth: jwtAuth, view: () => viewOf(core, token) },
  ];
}

/** Another principal than `p`: its own bucket or budget under the default key. */
function other(p, i) {
  const o = { ...p, subject: `other-${i}` };
  if (p.keyId !== undefined) o.keyId = `key_other_${i}`;
  return o;
}

/** The checks to pair, each made on a fresh store that already holds the others' entries. */
function checks(core) {
  return [
    {
      name: 'rateLimiter()',
      kind: 'rate',
      async make(realm, auth, principal) {
        const store = core.memoryLimitStore();
        const check = core.rateLimiter('rateLimit()', { ...RATE, store });
        for (let i = 0; i < OTHERS; i++) {
          check({ principal: other(principal, i), realm, authenticator: auth });
        }
        return { check, store };
      },
    },
    {
      name: 'budgeter() pre-check',
      kind: 'budget',
      async make(realm, auth, principal) {
        const store = core.memoryLimitStore();
        const check = core.budgeter('budget()', { ...BUDGET, store });
        const spend = async (p, amount) => {
          const answer = await check({ principal: p, realm, authenticator: auth });
          await answer.budget.charge(amount);
        };
        for (let i = 0; i < OTHERS; i++) await spend(other(principal, i), 100);
        await spend(principal, SPENT);
        return { check, store };
      },
    },
  ];
}

/** `r=` of the RateLimit header: units left after the last decision. */
function remainingOf(answer) {
  const header = answer.headers.find(([name]) => name === 'ratelimit');
  return header ? Number(/;r=(\d+)/.exec(header[1])?.[1]) : null;
}

async function rows({ quick }) {
  const pc = await loadPortcullis();
  const core = need(pc.core);
  const pairs = quick ? 16 : 40;
  const warmMs = quick ? 150 : 300;
  const out = [];
  for (const cred of await credentials(core)) {
    const { auth, view } = cred;
    const realm = auth.realm;
    const principal = await auth.authenticate(view());
    if (typeof principal?.subject !== 'string') throw new Error(`${cred.name}: no principal`);
    for (const c of checks(core)) {
      const { check, store } = await c.make(realm, auth, principal);
      let refused = 0;
      let last;
      // Both sides await the same authenticate(); B then runs the check as an adapter does and
      // reads its answer (a refusal would be answered instead of calling the handler).
      const alone = async () => {
        const p = await auth.authenticate(view());
        return p;
      };
      const limited = async () => {
        const p = await auth.authenticate(view());
        last = check({ principal: p, realm, authenticator: auth });
        if (last.error !== undefined) refused++;
        return last;
      };
      await limited();
      if (refused > 0 || last.headers.length !== 2) throw new Error(`${c.name}: not allowed`);
      if (c.kind === 'budget' && last.budget?.remaining !== BUDGET.quota - SPENT) {
        throw new Error(`${c.name}: the budget did not read what was spent`);
      }
      await warm(alone, warmMs);
      await warm(limited, warmMs);
      const timed = await paired(alone, limited, { pairs });
      out.push({
        credential: cred.name,
        check: c.name,
        kind: c.kind,
        aNs: timed.aNs,
        bNs: timed.bNs,
        diffNs: timed.diffNs,
        ratio: timed.ratio,
        refused,
        remaining: remainingOf(last),
        entries: store.size,
      });
    }
  }
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
