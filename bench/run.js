// `pnpm bench` entry. Micro mode (default): per algorithm and for API keys, Portcullis against
// its peers and raw node:crypto, then what a rate limit and a budget add to a request (the Limits
// table) and a DPoP request over a bearer one (the DPoP table), then the cache memory figures, then
// @portcullis/redis on a real Redis when one answers. `--http` (or `http`): requests/s of real
// servers on 127.0.0.1 driven by autocannon. `redis`: only the Redis section; `limits`: only the
// Limits table; `dpop`: only the DPoP table; `runtimes`: µs per verify on Node, Bun, Deno and
// workerd, and node:crypto against Web Crypto on each. See README.md.
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { describe, describeLines } from './lib/machine.js';
import { loadPortcullis } from './lib/portcullis.js';
import { renderSummary } from './lib/summary.js';
import { microTargets } from './lib/targets.js';
import { renderMemory, runMemory } from './memory.js';
import { renderApiKeys, runApiKeys } from './micro/api-key.js';
import { renderClient, runClient } from './micro/client.js';
import { renderDpop, runDpop } from './micro/dpop.js';
import { renderLimits, runLimits } from './micro/limits.js';
import { closeMicro, renderAlgorithm, runMicro } from './micro/run-micro.js';
import { renderRedis, runRedis } from './redis/run-redis.js';
import { renderRuntimes, runRuntimes } from './runtimes/run-runtimes.js';

const USAGE = `usage: node --expose-gc run.js [http|--http|redis|--redis|limits|--limits|dpop|--dpop|client|--client|runtimes|--runtimes]
                 [--quick] [--markdown] [--only=HS256,RS256,...] [--frameworks=express,fastify,...]
                 [--rounds=N] [--no-memory]
                 [--no-redis] [--quiet] [--json=FILE] [--from=FILE]`;

function parseArgs(argv) {
  const opts = {
    mode: 'micro',
    quick: false,
    markdown: false,
    memory: true,
    redis: true,
    quiet: false,
  };
  for (const arg of argv) {
    if (arg === '--') continue; // `pnpm bench -- --quick` passes the separator through
    if (arg === 'http' || arg === '--http') opts.mode = 'http';
    else if (arg === 'redis' || arg === '--redis') opts.mode = 'redis';
    else if (arg === 'limits' || arg === '--limits') opts.mode = 'limits';
    else if (arg === 'dpop' || arg === '--dpop') opts.mode = 'dpop';
    else if (arg === 'client' || arg === '--client') opts.mode = 'client';
    else if (arg === 'runtimes' || arg === '--runtimes') opts.mode = 'runtimes';
    else if (arg === '--quick') opts.quick = true;
    else if (arg === '--markdown') opts.markdown = true;
    else if (arg === '--no-memory') opts.memory = false;
    else if (arg === '--no-redis') opts.redis = false;
    else if (arg === '--quiet') opts.quiet = true;
    else if (arg.startsWith('--only=')) opts.algorithms = arg.slice(7).split(',');
    else if (arg.startsWith('--frameworks=')) opts.frameworks = arg.slice(13).split(',');
    else if (arg.startsWith('--json=')) opts.json = arg.slice(7);
    else if (arg.startsWith('--from=')) opts.from = arg.slice(7);
    else if (arg.startsWith('--rounds=')) opts.rounds = Number(arg.slice(9));
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else {
      console.error(`unknown argument ${arg}\n${USAGE}`);
      process.exit(2);
    }
  }
  opts.rounds ??= opts.mode === 'http' ? (opts.quick ? 2 : 8) : opts.quick ? 1 : 2;
  if (!Number.isInteger(opts.rounds) || opts.rounds < 1) {
    console.error(`--rounds must be a positive integer\n${USAGE}`);
    process.exit(2);
  }
  return opts;
}

/** The load average; at the end of a run it includes the run itself, so no warning then. */
function load(warn = true) {
  const [one, five] = os.loadavg();
  const busy = warn && one > os.cpus().length * 0.5;
  return `load average ${one.toFixed(2)} (1 min), ${five.toFixed(2)} (5 min)${busy ? ' — the machine is busy: expect noisy numbers' : ''}`;
}

function section(title, { table, notes }, markdown = false) {
  console.log(markdown ? `\n#### ${title}\n` : `\n${title}\n`);
  console.log(table);
  for (const note of notes) console.log(`  n/a — ${note}`);
}

/** The Limits table and its goal lines. */
function printLimits(limits, opts) {
  const { table, notes, lines } = renderLimits(limits, opts.markdown);
  section(
    'Limits — memoryLimitStore() per request, µs/op; paired A/B: authenticate() alone, then followed by the check',
    { table, notes },
    opts.markdown,
  );
  if (lines.length > 0) console.log('');
  for (const l of lines) console.log(`  ${l}`);
}

/** The DPoP table and its MET/MISS lines. */
function printDpop(dpop, opts) {
  const { table, notes, lines } = renderDpop(dpop, opts.markdown);
  section(
    'DPoP — jwt({ dpop }) per request, µs/op; paired A/B: A = cached bearer token, B = bound token + a fresh proof per call; beside it, one raw node:crypto verify and one memoryReplayStore().claim()',
    { table, notes },
    opts.markdown,
  );
  if (lines.length > 0) console.log('');
  for (const l of lines) console.log(`  ${l}`);
}

/** The client table and its MET/MISS lines. */
function printClient(clientRows, opts) {
  const { table, notes, lines } = renderClient(clientRows, opts.markdown);
  section(
    '@portcullis/client — authFetch() per call with a cached credential, µs/op; paired A/B: a no-op fetch alone, then through authFetch()',
    { table, notes },
    opts.markdown,
  );
  if (lines.length > 0) console.log('');
  for (const l of lines) console.log(`  ${l}`);
}

/** The runtimes tables and the crypto path line per runtime. */
function printRuntimes(runtimes, opts) {
  const { sections, lines } = renderRuntimes(runtimes, opts.markdown);
  const versions = Object.entries(runtimes.versions).map(([r, v]) => `${r} ${v ?? 'missing'}`);
  console.log(
    `\nRuntimes: ${versions.join(', ')}; about ${runtimes.budgetMs} ms a row, ${runtimes.rounds} round(s), lowest median kept; the section took ${runtimes.seconds.toFixed(0)} s`,
  );
  for (const s of sections) section(s.title, s, opts.markdown);
  console.log('');
  for (const l of lines) console.log(`  ${l}`);
}

function printMicro({ results, apiKeys, limits, dpop, clientRows, memory }, opts) {
  for (const r of results) {
    section(
      `${r.alg} — µs/op (median); ×peer = ratio to the fastest peer, ×raw = ratio to raw node:crypto; first-seen cycles ${r.poolSize} distinct tokens`,
      renderAlgorithm(r, opts.markdown),
      opts.markdown,
    );
  }
  if (apiKeys) {
    section('API keys — µs/op (median)', renderApiKeys(apiKeys, opts.markdown), opts.markdown);
  }
  if (limits) printLimits(limits, opts);
  if (dpop) printDpop(dpop, opts);
  if (clientRows) printClient(clientRows, opts);
  if (memory) {
    section(
      'Cache memory — heapUsed delta after gc',
      renderMemory(memory, opts.markdown),
      opts.markdown,
    );
  }
  section(
    'Summary — first-seen µs/op (× raw node:crypto), Portcullis core authenticate() with cache: false; repeated = same token, default caches',
    renderSummary(results, apiKeys, opts.markdown),
    opts.markdown,
  );
}

/** The redis section: its tables and goal lines, or the one line saying why it was skipped. */
function printRedis(redis, opts) {
  if (redis.skipped) {
    console.log(`\nRedis (@portcullis/redis) — skipped: ${redis.skipped}`);
    return;
  }
  console.log(
    `\nRedis (@portcullis/redis) on ${redis.url}, Redis ${redis.server}; the section took ${redis.seconds.toFixed(0)} s, deleted its ${redis.deletedKeys?.toLocaleString('en-US') ?? '?'} keys after`,
  );
  const { sections, lines } = renderRedis(redis, opts.markdown);
  for (const s of sections) section(s.title, s, opts.markdown);
  console.log('\nRedis goals\n');
  for (const l of lines) console.log(`  ${l}`);
}

function printTargets(lines) {
  console.log(
    '\nTargets (issue "Speed"; ratios from paired A/B timing, absolute limits from the lowest median)\n',
  );
  for (const l of lines) console.log(`  ${l}`);
}

async function micro(opts, log) {
  const pc = await loadPortcullis();
  const started = Date.now();
  const results = await runMicro(pc, opts, log);
  const apiKeys = opts.algorithms ? null : await runApiKeys(pc, opts, log);
  const limits = opts.algorithms ? null : await runLimits(opts, log);
  const dpop = opts.algorithms ? null : await runDpop(opts, log);
  const clientRows = opts.algorithms ? null : await runClient(opts, log);
  const memory = opts.memory && !opts.algorithms ? await runMemory(pc, opts, log) : null;
  printMicro({ results, apiKeys, limits, dpop, clientRows, memory }, opts);
  const targets = await microTargets(results, apiKeys, log, { quick: opts.quick });
  printTargets(targets.lines);
  for (const r of results) for (const row of r.rows) delete row.timed;
  closeMicro();
  // After the targets, so the child processes and sockets of this section cannot disturb them.
  const redis = opts.redis && !opts.algorithms ? await runRedis(pc, opts, log) : null;
  if (redis) printRedis(redis, opts);
  console.log(`\nmicro run took ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return { results, apiKeys, limits, dpop, clientRows, memory, targets, redis };
}

/** `redis` mode: the Redis section alone. */
async function redisOnly(opts, log) {
  const pc = await loadPortcullis();
  const redis = await runRedis(pc, opts, log);
  printRedis(redis, opts);
  return { redis };
}

/** `limits` mode: the Limits table alone. */
async function limitsOnly(opts, log) {
  const limits = await runLimits(opts, log);
  printLimits(limits, opts);
  return { limits };
}

/** `dpop` mode: the DPoP table alone. */
async function dpopOnly(opts, log) {
  const dpop = await runDpop(opts, log);
  printDpop(dpop, opts);
  return { dpop };
}

/** `client` mode: the client table alone. */
async function clientOnly(opts, log) {
  const clientRows = await runClient(opts, log);
  printClient(clientRows, opts);
  return { clientRows };
}

/** `runtimes` mode: the runtimes section alone. */
async function runtimesOnly(opts, log) {
  const runtimes = await runRuntimes(await loadPortcullis(), opts, log);
  printRuntimes(runtimes, opts);
  return { runtimes };
}

/** Print a run saved with --json again (say, as Markdown), without measuring anything. */
async function replay(opts) {
  const saved = JSON.parse(readFileSync(opts.from, 'utf8'));
  const m = saved.machine;
  console.log(`Saved run (${opts.from})`);
  console.log(`machine: ${m.cpu}, ${m.cores} cores, ${m.memory} RAM, ${m.os}`);
  console.log(`node ${m.node} (OpenSSL ${m.openssl})`);
  const versions = Object.entries(m.versions).map(([n, v]) => `${n} ${v}`);
  console.log(`packages: ${versions.join(', ')}`);
  if (m.load) console.log(`load at start: ${m.load.start}; at end: ${m.load.end}`);
  if (saved.settings) {
    const { printHttp } = await import('./http/run-http.js');
    printHttp(saved, opts);
  } else {
    if (saved.results) {
      printMicro(saved, opts);
      printTargets(saved.targets?.lines ?? []);
    } else {
      if (saved.limits) printLimits(saved.limits, opts);
      if (saved.dpop) printDpop(saved.dpop, opts);
      if (saved.clientRows) printClient(saved.clientRows, opts);
      if (saved.runtimes) printRuntimes(saved.runtimes, opts);
    }
    if (saved.redis) printRedis(saved.redis, opts);
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.from) return replay(opts);
  const log = opts.quiet ? () => {} : (m) => process.stderr.write(`${m}\n`);
  console.log(
    `Portcullis benchmark (${opts.mode}${opts.quick ? ', quick' : ''}${['redis', 'limits', 'dpop', 'client', 'runtimes'].includes(opts.mode) ? '' : `, ${opts.rounds} round(s), lowest median kept`})`,
  );
  for (const l of describeLines()) console.log(l);
  const loadAtStart = load();
  console.log(`at start: ${loadAtStart}`);
  let out;
  if (opts.mode === 'http') {
    const { runHttp } = await import('./http/run-http.js');
    out = await runHttp(opts, log);
  } else if (opts.mode === 'redis') {
    out = await redisOnly(opts, log);
  } else if (opts.mode === 'limits') {
    out = await limitsOnly(opts, log);
  } else if (opts.mode === 'dpop') {
    out = await dpopOnly(opts, log);
  } else if (opts.mode === 'client') {
    out = await clientOnly(opts, log);
  } else if (opts.mode === 'runtimes') {
    out = await runtimesOnly(opts, log);
  } else {
    out = await micro(opts, log);
  }
  const loadAtEnd = load(false);
  console.log(`at end: ${loadAtEnd}`);
  if (opts.json) {
    const machine = { ...describe(), load: { start: loadAtStart, end: loadAtEnd } };
    writeFileSync(opts.json, JSON.stringify({ machine, ...out }, null, 2));
  }
}

await main();
