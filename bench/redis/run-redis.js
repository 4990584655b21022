// The redis section: @portcullis/redis on a real Redis (127.0.0.1:6379, or
// PORTCULLIS_BENCH_REDIS_URL). Four parts, each bounded in count and time:
//   - propagation: three instance processes (redis/instance.js) on one Redis; A revokes jtis one
//     after another, and each child stamps, on the same machine clock, when B and C first refuse
//     each one;
//   - a cached JWT verify with redisDenyList() against memoryDenyList(), paired A/B timing;
//   - replay claims per second: redisReplayStore() one at a time and 64 in flight, against
//     memoryReplayStore();
//   - rate-limit decisions: redisLimitStore().take() one at a time and 64 in flight, in blocks
//     that alternate with PING on the same connection (one round trip, the baseline).
// Every key is under a prefix of this run's own, deleted at the end. Without a Redis that answers,
// the section says so in one line and the run goes on.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { makeKeys, mintToken } from '../lib/keys.js';
import { paired } from '../lib/paired.js';
import { need } from '../lib/portcullis.js';
import { renderTable, us } from '../lib/table.js';
import { jwtOptions, viewOf } from '../micro/portcullis.js';

/** The Redis the section runs on. */
export function redisUrl() {
  return process.env.PORTCULLIS_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
}

const INSTANCE = new URL('./instance.js', import.meta.url);
/** The propagation goal: p99 under this many ms until every other instance refuses. */
const PROPAGATION_GOAL_MS = 100;
/** The verify goal: redisDenyList() within this many ns of memoryDenyList() per cached verify. */
const VERIFY_GOAL_NS = 500;
const MAX_STALENESS = 1000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const tick = () => new Promise((resolve) => setImmediate(resolve));
const inSeconds = (s) => Math.floor(Date.now() / 1000) + s;

/** Bounds of each part: full runs and `--quick`. */
function limits(quick) {
  return quick
    ? {
        revocations: 1000,
        warmRevocations: 50,
        pairs: 24,
        seqClaims: 2000,
        seqMs: 1000,
        decisionPairs: { one: 6, inFlight: 3 },
        decisionMs: 1500,
      }
    : {
        revocations: 2000,
        warmRevocations: 100,
        pairs: 100,
        seqClaims: 5000,
        seqMs: 2000,
        decisionPairs: { one: 12, inFlight: 6 },
        decisionMs: 3000,
      };
}
const IN_FLIGHT = 64;
const IN_FLIGHT_CLAIMS = { full: 60_000, quick: 20_000 };
const IN_FLIGHT_MS = { full: 2000, quick: 1000 };
const MEMORY_CLAIMS = 100_000;

/** p-th quantile (0..1) of sorted numbers, nearest rank. */
function quantile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

function stats(values) {
  const sorted = values.filter((v) => v !== null).sort((x, y) => x - y);
  return {
    n: sorted.length,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    max: sorted.at(-1) ?? null,
  };
}

/** Connect, or `{ error }` saying why not (within about 2 s, no reconnecting). */
async function connect(url) {
  let createClient;
  try {
    ({ createClient } = await import('redis'));
  } catch (err) {
    return { error: `the redis package is not installed (${err.code ?? err.message})` };
  }
  const client = createClient({ url, socket: { connectTimeout: 1000, reconnectStrategy: false } });
  client.on('error', () => {});
  try {
    await Promise.race([
      client.connect(),
      sleep(2000).then(() => {
        throw new Error('no answer within 2 s');
      }),
    ]);
    if ((await client.ping()) !== 'PONG') throw new Error('PING did not answer PONG');
    return { client };
  } catch (err) {
    client.destroy?.();
    return { error: String(err?.message ?? err) };
  }
}

/** The server's version, from INFO server. */
async function serverVersion(client) {
  const info = await client.info('server');
  return /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
}

/** Delete every key holding `base` (this run's prefixes); resolves with how many. */
async function cleanUp(client, base) {
  let deleted = 0;
  for await (const keys of client.scanIterator({ MATCH: `*${base}*`, COUNT: 1000 })) {
    if (keys.length > 0) deleted += await client.unlink(keys);
  }
  return deleted;
}

// --- propagation -----------------------------------------------------------------------------

/** Fork `count` instances on `config`; each resolves once it has loaded the revoked set. */
async function startInstances(count, config) {
  return await Promise.all(
    Array.from({ length: count }, async () => {
      const child = fork(INSTANCE, [JSON.stringify(config)], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      const first = await new Promise((resolve, reject) => {
        child.once('message', resolve);
        child.once('exit', (code) => reject(new Error(`instance exited with ${code}`)));
      });
      if (first.type !== 'ready') throw new Error(`instance failed: ${first.message}`);
      let next = 0;
      const waiting = new Map();
      child.on('message', (reply) => {
        const settle = waiting.get(reply.id);
        waiting.delete(reply.id);
        settle?.(reply);
      });
      const ask = (message) =>
        new Promise((resolve, reject) => {
          const id = next++;
          waiting.set(id, (reply) =>
            reply.error === undefined ? resolve(reply) : reject(new Error(reply.error)),
          );
          child.send({ ...message, id });
        });
      return {
        ask,
        async close() {
          if (child.exitCode !== null) return;
          const exited = new Promise((resolve) => child.once('exit', resolve));
          await Promise.race([ask({ type: 'close' }), exited, sleep(3000)]);
          if (child.exitCode === null) child.kill('SIGKILL');
        },
      };
    }),
  );
}

/** A revokes `count` jtis one after another; when B and C first refuse each, from A's call. */
async function propagation(url, prefix, bounds, log) {
  const config = { url, prefix, maxStaleness: MAX_STALENESS };
  const [a, b, c] = await startInstances(3, config);
  const tag = randomBytes(4).toString('hex');
  try {
    let out;
    for (const [label, count] of [
      ['warm', bounds.warmRevocations],
      ['run', bounds.revocations],
    ]) {
      const jtis = Array.from({ length: count }, (_, i) => `prop-${label}-${tag}-${i}`);
      await Promise.all([b.ask({ type: 'watch', jtis }), c.ask({ type: 'watch', jtis })]);
      const { started, resolved } = await a.ask({ type: 'revoke', jtis, exp: inSeconds(600) });
      const [seenB, seenC] = await Promise.all([
        b.ask({ type: 'collect', timeout: 10_000 }),
        c.ask({ type: 'collect', timeout: 10_000 }),
      ]);
      const from = (seen) => seen.at.map((t, i) => (t === null ? null : t - started[i]));
      const delayB = from(seenB);
      const delayC = from(seenC);
      const both = delayB.map((d, i) =>
        d === null || delayC[i] === null ? null : Math.max(d, delayC[i]),
      );
      out = {
        count,
        writer: stats(resolved.map((t, i) => t - started[i])),
        b: stats(delayB),
        c: stats(delayC),
        both: stats(both),
        missing: both.filter((d) => d === null).length,
        byHook: seenB.byHook + seenC.byHook,
        staleAsks: seenB.stale + seenC.stale,
      };
      log(
        `  redis propagation (${label}, ${count}): p50 ${out.both.p50?.toFixed(2)} ms, p99 ${out.both.p99?.toFixed(2)} ms`,
      );
    }
    return out;
  } finally {
    await Promise.all([a, b, c].map((instance) => instance.close()));
  }
}

// --- cached verify ---------------------------------------------------------------------------

/** Run `fn` for about `ms`, letting the event loop in every few ms. */
async function warm(fn, ms) {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const slice = performance.now() + 4;
    while (performance.now() < slice) for (let i = 0; i < 64; i++) await fn();
    await tick();
  }
}

function verifyCases(core) {
  const ctx = { now: Date.now, realm: 'api' };
  return [
    {
      name: 'Portcullis core authenticate()',
      make: (keys, token, denyList) => {
        const auth = core.createAuthenticator({
          methods: [core.jwt({ ...jwtOptions(keys, 'repeat'), denyList })],
        });
        return () => auth.authenticate(viewOf(core, token));
      },
    },
    {
      name: 'Portcullis jwt().verify (method)',
      make: (keys, token, denyList) => {
        const method = core.jwt({ ...jwtOptions(keys, 'repeat'), denyList });
        return () => method.verify(token, ctx);
      },
    },
  ];
}

/**
 * The same token, repeated (cached after its second sighting), through a jwt() with each
 * deny-list holding the same 1,000 other revoked ids; paired A/B timing, memory as reference.
 */
async function cachedVerify(pc, client, prefix, bounds, log) {
  const core = need(pc.core);
  const { redisDenyList } = need(pc.redis);
  const keys = await makeKeys('HS256');
  const token = mintToken(keys, 0);
  const redisList = await redisDenyList({ client, prefix, maxStaleness: MAX_STALENESS });
  const memoryList = core.memoryDenyList();
  const exp = inSeconds(600);
  const revoked = Array.from({ length: 1000 }, (_, i) => `other-${i}`);
  for (let i = 0; i < revoked.length; i += 250) {
    await Promise.all(revoked.slice(i, i + 250).map((jti) => redisList.revoke(jti, exp)));
  }
  for (const jti of revoked) memoryList.revoke(jti, exp);

  // The replica must answer every call while timing (no Redis read): sample it as the loop runs.
  let samples = 0;
  let staleSamples = 0;
  const sampler = setInterval(() => {
    samples++;
    if (!redisList.fresh) staleSamples++;
  }, 5);
  const rows = [];
  try {
    for (const c of verifyCases(core)) {
      const memory = c.make(keys, token, memoryList);
      const redis = c.make(keys, token, redisList);
      for (const fn of [memory, redis]) {
        const principal = await fn();
        if (typeof principal?.subject !== 'string') throw new Error(`${c.name}: no principal`);
      }
      await warm(memory, 300);
      await warm(redis, 300);
      const timed = await paired(memory, redis, {
        pairs: bounds.pairs,
        batchMs: 4,
        yieldToLoop: true,
      });
      rows.push({ name: c.name, memoryNs: timed.aNs, redisNs: timed.bNs, diffNs: timed.diffNs });
      log(
        `  redis verify ${c.name}: ${us(timed.aNs)} / ${us(timed.bNs)} µs (diff ${us(timed.diffNs)})`,
      );
    }
  } finally {
    clearInterval(sampler);
    await redisList.close();
  }
  return { rows, revoked: revoked.length, samples, staleSamples };
}

// --- replay claims ---------------------------------------------------------------------------

/** Claims of fresh ids by `workers` loops at once, until `maxClaims` or `maxMs`. */
async function claimLoop(store, newId, workers, maxClaims, maxMs) {
  const exp = inSeconds(60);
  const latencies = [];
  let issued = 0;
  let refused = 0;
  const t0 = performance.now();
  const end = t0 + maxMs;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (issued < maxClaims && performance.now() < end) {
        issued++;
        const started = performance.now();
        if (!(await store.claim(newId(), exp))) refused++;
        latencies.push(performance.now() - started);
      }
    }),
  );
  const elapsed = performance.now() - t0;
  const latency = stats(latencies);
  return {
    claims: latencies.length,
    perSecond: (latencies.length / elapsed) * 1000,
    nsPerClaim: (elapsed * 1e6) / latencies.length,
    p50: latency.p50,
    p99: latency.p99,
    refused,
  };
}

async function replayClaims(pc, client, prefix, opts, bounds, log) {
  const core = need(pc.core);
  const { redisReplayStore } = need(pc.redis);
  const store = redisReplayStore({ client, prefix });
  let n = 0;
  const newId = () => `claim-${n++}`;
  // The store does what it is measured for: a second claim of one id is refused.
  const once = newId();
  if (!(await store.claim(once, inSeconds(60))) || (await store.claim(once, inSeconds(60)))) {
    throw new Error('redisReplayStore() did not admit a claim exactly once');
  }
  const mode = opts.quick ? 'quick' : 'full';
  await claimLoop(store, newId, 1, 200, 500); // warm-up
  const sequential = await claimLoop(store, newId, 1, bounds.seqClaims, bounds.seqMs);
  log(`  redis claims one at a time: ${sequential.perSecond.toFixed(0)}/s`);
  const concurrent = await claimLoop(
    store,
    newId,
    IN_FLIGHT,
    IN_FLIGHT_CLAIMS[mode],
    IN_FLIGHT_MS[mode],
  );
  log(`  redis claims ${IN_FLIGHT} in flight: ${concurrent.perSecond.toFixed(0)}/s`);

  // memoryReplayStore(): a fresh store per round (distinct ids fill it), best of the rounds.
  let memory;
  for (let round = 0; round < Math.max(3, opts.rounds); round++) {
    const local = core.memoryReplayStore();
    let m = 0;
    const exp = inSeconds(60);
    const ids = Array.from({ length: MEMORY_CLAIMS }, () => `claim-${m++}`);
    let refused = 0;
    const t0 = process.hrtime.bigint();
    for (const id of ids) if (!local.claim(id, exp)) refused++;
    const ns = Number(process.hrtime.bigint() - t0) / ids.length;
    if (memory === undefined || ns < memory.nsPerClaim) {
      memory = { claims: ids.length, nsPerClaim: ns, perSecond: 1e9 / ns, refused };
    }
    await tick();
  }
  log(`  memory claims: ${memory.perSecond.toFixed(0)}/s`);
  return { sequential, concurrent, memory };
}

// --- rate-limit decisions -------------------------------------------------------------------

/** Calls a block runs: one at a time, and with IN_FLIGHT in flight. */
const DECISION_BLOCK = { one: 250, inFlight: 6400 };
/** A limit no run comes near: every decision is allowed, as for a client within its limit. */
const DECISION_RULE = { limit: 100_000_000, window: 3600, cost: 1 };

/** One block of `count` calls of `op(worker)` by `workers` loops; latencies (ms) pushed to `into`. */
async function block(op, workers, count, into) {
  let issued = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (issued < count) {
        issued++;
        const started = performance.now();
        await op(worker);
        into.push(performance.now() - started);
      }
    }),
  );
  return performance.now() - t0;
}

/**
 * PING and take() in alternating blocks (ABBA), so load from other processes lands on both: per
 * side, calls/s, wall µs per call, the p50/p99 latency of one call; and the median per-pair
 * ratio of wall time (take over PING).
 */
async function alternate(ping, take, workers, count, pairs, maxMs) {
  const sides = {
    ping: { ms: 0, calls: 0, latencies: [] },
    take: { ms: 0, calls: 0, latencies: [] },
  };
  const ratios = [];
  const end = performance.now() + maxMs;
  for (let i = 0; i < pairs && (i < 2 || performance.now() < end); i++) {
    const order = i % 2 === 0 ? ['ping', 'take'] : ['take', 'ping'];
    const ms = {};
    for (const side of order) {
      const op = side === 'ping' ? ping : take;
      ms[side] = await block(op, workers, count, sides[side].latencies);
      sides[side].ms += ms[side];
      sides[side].calls += count;
    }
    ratios.push(ms.take / ms.ping);
  }
  const summary = ({ ms, calls, latencies }) => {
    const s = stats(latencies);
    return {
      calls,
      perSecond: (calls / ms) * 1000,
      nsPerCall: (ms * 1e6) / calls,
      p50: s.p50,
      p99: s.p99,
    };
  };
  ratios.sort((x, y) => x - y);
  return {
    ping: summary(sides.ping),
    take: summary(sides.take),
    ratio: quantile(ratios, 0.5),
    pairs: ratios.length,
  };
}

/** A view of `client` that counts the commands sent through it (its other members unchanged). */
function counting(client) {
  const sent = [];
  const proxy = new Proxy(client, {
    get(target, name) {
      if (name === 'sendCommand') {
        return (args, ...rest) => {
          sent.push(String(args[0]));
          return target.sendCommand(args, ...rest);
        };
      }
      const value = Reflect.get(target, name, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { proxy, sent };
}

/**
 * redisLimitStore().take(): how many commands a decision sends, then one at a time (one
 * principal's bucket) and 64 in flight (a bucket per loop), each against PING on the same
 * connection.
 */
async function limitDecisions(pc, client, prefix, bounds, log) {
  const { redisLimitStore } = need(pc.redis);
  const store = redisLimitStore({ client, prefix });
  let refused = 0;
  const take = async (worker) => {
    if (!(await store.take(`rateLimit agent-${worker}`, DECISION_RULE)).allowed) refused++;
  };
  const ping = async () => {
    if ((await client.ping()) !== 'PONG') throw new Error('PING did not answer PONG');
  };
  // Warm both (the first take() may load the script: NOSCRIPT, then EVAL).
  await block(take, 1, 200, []);
  await block(ping, 1, 200, []);
  // Commands per decision, counted on a store over a counting view of the same client.
  const probe = counting(client);
  const counted = redisLimitStore({ client: probe.proxy, prefix });
  const probes = 100;
  for (let i = 0; i < probes; i++) await counted.take('rateLimit agent-0', DECISION_RULE);
  const commands = {
    perDecision: probe.sent.length / probes,
    names: [...new Set(probe.sent)].join(', '),
  };
  const { decisionPairs: pairs, decisionMs } = bounds;
  const one = await alternate(ping, take, 1, DECISION_BLOCK.one, pairs.one, decisionMs);
  log(
    `  redis decisions one at a time: take() p50 ${ms(one.take.p50)} ms, PING ${ms(one.ping.p50)} ms`,
  );
  const many = await alternate(
    ping,
    take,
    IN_FLIGHT,
    DECISION_BLOCK.inFlight,
    pairs.inFlight,
    decisionMs,
  );
  log(
    `  redis decisions ${IN_FLIGHT} in flight: take() ${perSecond(many.take.perSecond)}/s, PING ${perSecond(many.ping.perSecond)}/s`,
  );
  return { commands, one, many, refused };
}

// --- the section -----------------------------------------------------------------------------

/**
 * Run the section. Resolves to `{ skipped }` when no Redis answers, otherwise every figure.
 * `pc.redis` is the loaded @portcullis/redis (`{ module }` or `{ error }`).
 */
export async function runRedis(pc, opts, log) {
  const url = redisUrl();
  if (pc.redis?.error) return { url, skipped: pc.redis.error };
  const connected = await connect(url);
  if (connected.error) return { url, skipped: `no Redis at ${url} (${connected.error})` };
  const { client } = connected;
  const started = Date.now();
  const base = `pcs-bench-${process.pid}-${randomBytes(4).toString('hex')}:`;
  const bounds = limits(opts.quick);
  const out = { url, server: await serverVersion(client) };
  const parts = [
    ['propagation', () => propagation(url, `${base}prop:`, bounds, log)],
    ['verify', () => cachedVerify(pc, client, `${base}verify:`, bounds, log)],
    ['replay', () => replayClaims(pc, client, `${base}replay:`, opts, bounds, log)],
    ['limits', () => limitDecisions(pc, client, `${base}limits:`, bounds, log)],
  ];
  try {
    for (const [name, run] of parts) {
      log(`redis: ${name}`);
      try {
        out[name] = await run();
      } catch (err) {
        out[name] = { error: String(err?.message ?? err) };
      }
    }
  } finally {
    out.deletedKeys = await cleanUp(client, base).catch(() => null);
    await client.close().catch(() => {});
  }
  out.seconds = (Date.now() - started) / 1000;
  return out;
}

const ms = (v) => (v === null || v === undefined ? 'n/a' : v.toFixed(2));
const goal = (ok, text) => `${ok === null ? 'n/a ' : ok ? 'MET ' : 'MISS'}  ${text}`;
const perSecond = (v) => Math.round(v).toLocaleString('en-US');

/** Sections to print: `{ title, table, notes }` each, and goal lines. */
export function renderRedis(result, markdown = false) {
  const sections = [];
  const lines = [];
  const p = result.propagation;
  if (p?.error) lines.push(`n/a   propagation: ${p.error}`);
  else if (p) {
    sections.push({
      title: `Redis propagation — ${p.count.toLocaleString('en-US')} revocations made one after another on instance A, three processes on one Redis; ms from A's revoke() call (same machine clock)`,
      table: renderTable(
        ['row', 'p50 ms', 'p99 ms', 'max ms'],
        [
          ["A's revoke() resolved (Redis took it)", p.writer],
          ['B refuses it', p.b],
          ['C refuses it', p.c],
          ['both B and C refuse it', p.both],
        ].map(([name, s]) => [name, ms(s.p50), ms(s.p99), ms(s.max)]),
        markdown,
      ),
      notes: [
        ...(p.missing > 0 ? [`${p.missing} revocations not refused by B or C within 10 s`] : []),
        ...(p.staleAsks > 0
          ? [`${p.staleAsks} asks found a stale replica (answered by a Redis read)`]
          : []),
      ],
    });
    lines.push(
      goal(
        p.missing === 0 && p.both.p99 !== null ? p.both.p99 < PROPAGATION_GOAL_MS : false,
        `propagation: p99 ${ms(p.both.p99)} ms until both other instances refuse (< ${PROPAGATION_GOAL_MS} ms; p50 ${ms(p.both.p50)}, max ${ms(p.both.max)}; ${p.byHook} of ${2 * p.count} refusals seen right after their message, the rest by the 1 ms timer)`,
      ),
    );
  }
  const v = result.verify;
  if (v?.error) lines.push(`n/a   cached verify: ${v.error}`);
  else if (v) {
    sections.push({
      title: `Redis deny-list on a cached JWT verify — µs/op, HS256, the same token repeated; each deny-list holds ${v.revoked.toLocaleString('en-US')} other revoked ids; paired A/B timing`,
      table: renderTable(
        ['row', 'memoryDenyList µs', 'redisDenyList µs', 'difference µs'],
        v.rows.map((r) => [
          r.name,
          us(r.memoryNs),
          us(r.redisNs),
          `${r.diffNs >= 0 ? '+' : ''}${(r.diffNs / 1000).toFixed(3)}`,
        ]),
        markdown,
      ),
      notes:
        v.staleSamples > 0
          ? [`the replica was stale in ${v.staleSamples} of ${v.samples} samples while timing`]
          : [],
    });
    for (const r of v.rows) {
      lines.push(
        goal(
          r.diffNs <= VERIFY_GOAL_NS,
          `cached verify, ${r.name}: redisDenyList ${r.diffNs >= 0 ? '+' : ''}${(r.diffNs / 1000).toFixed(3)} µs over memoryDenyList (within ${(VERIFY_GOAL_NS / 1000).toFixed(1)} µs; replica fresh in ${v.samples - v.staleSamples} of ${v.samples} samples)`,
        ),
      );
    }
  }
  const r = result.replay;
  if (r?.error) lines.push(`n/a   replay claims: ${r.error}`);
  else if (r) {
    const row = (name, x) => [
      name,
      perSecond(x.perSecond),
      us(x.nsPerClaim),
      x.p50 === undefined ? '—' : ms(x.p50),
      x.p99 === undefined ? '—' : ms(x.p99),
      x.claims.toLocaleString('en-US'),
    ];
    sections.push({
      title:
        'Replay claims — fresh ids (each claim admitted); µs/claim = wall time / claims; latency of one claim',
      table: renderTable(
        ['row', 'claims/s', 'µs/claim', 'p50 ms', 'p99 ms', 'claims'],
        [
          row('redisReplayStore(), one at a time', r.sequential),
          row(`redisReplayStore(), ${IN_FLIGHT} in flight (one connection)`, r.concurrent),
          row('memoryReplayStore()', r.memory),
        ],
        markdown,
      ),
      notes: [r.sequential, r.concurrent, r.memory]
        .filter((x) => x.refused > 0)
        .map((x) => `${x.refused} claims of fresh ids were refused`),
    });
  }
  const d = result.limits;
  if (d?.error) lines.push(`n/a   rate-limit decisions: ${d.error}`);
  else if (d) {
    const usOfMs = (msValue) => us(msValue * 1e6);
    const row = (name, x, base, ratio) => [
      name,
      perSecond(x.perSecond),
      us(x.nsPerCall),
      usOfMs(x.p50),
      usOfMs(x.p99),
      base ? `${(x.p50 / base.p50).toFixed(2)}×` : '',
      ratio === undefined ? '' : `${ratio.toFixed(2)}×`,
      x.calls.toLocaleString('en-US'),
    ];
    sections.push({
      title: `Rate-limit decisions — redisLimitStore().take(), every decision allowed, in blocks alternating (ABBA) with PING on the same connection; µs/call = wall time / calls; ${d.commands.perDecision.toFixed(2)} command per decision (${d.commands.names})`,
      table: renderTable(
        ['row', 'calls/s', 'µs/call', 'p50 µs', 'p99 µs', 'p50 × PING', 'µs/call × PING', 'calls'],
        [
          row('PING, one at a time', d.one.ping),
          row('redisLimitStore().take(), one at a time', d.one.take, d.one.ping, d.one.ratio),
          row(`PING, ${IN_FLIGHT} in flight (one connection)`, d.many.ping),
          row(
            `redisLimitStore().take(), ${IN_FLIGHT} in flight`,
            d.many.take,
            d.many.ping,
            d.many.ratio,
          ),
        ],
        markdown,
      ),
      notes: d.refused > 0 ? [`${d.refused} decisions were refused`] : [],
    });
    const p50Ratio = d.one.take.p50 / d.one.ping.p50;
    lines.push(
      goal(
        d.commands.perDecision === 1 && p50Ratio < 2,
        `rate-limit decision on Redis: one round trip — ${d.commands.perDecision.toFixed(2)} command per decision (${d.commands.names}); one at a time, take() p50 ${usOfMs(d.one.take.p50)} µs = ${p50Ratio.toFixed(2)}× PING's ${usOfMs(d.one.ping.p50)} µs (under 2×: no second round trip; the rest is the script's work and the client's); ${IN_FLIGHT} in flight, ${perSecond(d.many.take.perSecond)} decisions/s = ${(d.many.take.perSecond / d.many.ping.perSecond).toFixed(2)}× PING's ${perSecond(d.many.ping.perSecond)}/s`,
      ),
    );
  }
  return { sections, lines };
}
