// `pnpm bench runtimes`: µs per verify on Node, Bun, Deno and workerd (issue 18), and on each,
// raw node:crypto against raw Web Crypto, and core's node:crypto path against its Web Crypto path.
// Fixtures (keys, token pools) are made here with node:crypto; rows.js runs in each runtime, one
// runtime at a time, so no run disturbs another. Node, Bun and Deno run cli.js: core picks
// `#crypto` by their own export conditions, and a bundle of rows.js pinned to the other branch is
// loaded beside it so both paths are timed in one process, paired. workerd serves worker.js,
// bundled as a Workers build is.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALGORITHMS, AUDIENCE, ISSUER, makeKeys, mintPool } from '../lib/keys.js';
import { need } from '../lib/portcullis.js';
import { renderTable, us } from '../lib/table.js';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** The runtime's own executable (never the .bin shell shim, whose child outlives a kill). */
function binary(name) {
  if (name === 'node') return process.execPath;
  const path = {
    bun: () => join(dirname(require.resolve('bun/package.json')), 'bin/bun.exe'),
    deno: () => join(dirname(require.resolve('deno/package.json')), 'deno'),
    workerd: () => join(dirname(require.resolve('workerd/package.json')), 'bin/workerd'),
  }[name]();
  if (!existsSync(path)) throw new Error(`no ${name} executable at ${path}; run pnpm install`);
  return path;
}

const RUNTIMES = ['node', 'bun', 'deno', 'workerd'];

/** Each runtime's package export conditions, in the order it matches them. */
const CONDITIONS = {
  node: ['node', 'import', 'default'],
  bun: ['bun', 'node', 'import', 'default'],
  deno: ['deno', 'node', 'import', 'default'],
  workerd: ['workerd', 'worker', 'browser', 'import', 'default'],
};
/** What a bundle for the Web Crypto path of Node, Bun or Deno is built with. */
const WEB_CONDITIONS = ['worker', 'browser'];

/** Which `#crypto` branch core's published package.json gives `runtime`: 'node' or 'web'. */
export function cryptoPath(runtime) {
  const pkg = JSON.parse(readFileSync(require.resolve('@portcullis/core/package.json'), 'utf8'));
  let entry = (pkg.publishConfig?.imports ?? pkg.imports)['#crypto'];
  while (typeof entry === 'object') {
    const condition = Object.keys(entry).find((c) => CONDITIONS[runtime].includes(c));
    entry = entry[condition];
  }
  return entry.endsWith('/web.js') ? 'web' : 'node';
}

const temps = [];
const children = new Set();

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-bench-runtimes-'));
  temps.push(dir);
  return dir;
}

function quietEnv(dir) {
  return {
    PATH: process.env.PATH,
    HOME: dir,
    TMPDIR: dir,
    NO_COLOR: '1',
    DENO_DIR: join(dir, 'deno'),
    DENO_NO_UPDATE_CHECK: '1',
    DO_NOT_TRACK: '1',
  };
}

function run(command, args, input, timeoutMs) {
  const dir = tempDir();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: here, env: quietEnv(dir) });
    children.add(child);
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      const stdout = Buffer.concat(out).toString('utf8');
      if (code === 0) resolvePromise(JSON.parse(stdout.trim().split('\n').at(-1)));
      else reject(new Error(`exited with ${code ?? signal}: ${Buffer.concat(err).toString()}`));
    });
    child.stdin.end(input);
  });
}

async function bundle(entry, outfile, conditions) {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(here, entry)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions,
    external: ['node:*'],
    target: 'es2022',
    logLevel: 'silent',
  });
}

/** How to start `runtime` on `script`, which may import from `bundles`. */
function command(runtime, script, bundles) {
  switch (runtime) {
    case 'node':
      return [process.execPath, [script]];
    case 'bun':
      return [binary('bun'), ['run', '--no-install', script]];
    default:
      // No network, no environment, no writes: read the repository and the bundle only.
      return [
        binary('deno'),
        [
          'run',
          '--no-lock',
          '--no-prompt',
          `--allow-read=${resolve(here, '../..')},${bundles}`,
          script,
        ],
      ];
  }
}

function versionOf(runtime) {
  return new Promise((resolvePromise) => {
    let child;
    try {
      child = spawn(binary(runtime), ['--version'], { env: { PATH: process.env.PATH } });
    } catch {
      return resolvePromise(null);
    }
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.on('error', () => resolvePromise(null));
    child.on('exit', () => resolvePromise(out.trim().split('\n')[0] || null));
  });
}

function startWorkerd(dir, timeoutMs) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(binary('workerd'), ['serve', join(dir, 'config.capnp'), '--control-fd=3'], {
      cwd: dir,
      env: quietEnv(dir),
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    const err = [];
    child.stderr.on('data', (c) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    let control = '';
    child.stdio[3].on('data', (chunk) => {
      control += chunk;
      const m = control.match(/"event":"listen","socket":"http","port":(\d+)/);
      if (m) {
        clearTimeout(timer);
        resolvePromise({ origin: `http://127.0.0.1:${m[1]}`, child });
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      reject(new Error(`workerd exited with ${code ?? signal}: ${Buffer.concat(err).toString()}`));
    });
  });
}

/** workerd: no network at all; `nodejs_compat` so the raw node:crypto rows can run beside. */
const CAPNP = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .bench)],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);
const bench :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2025-09-01",
  compatibilityFlags = ["nodejs_compat"],
);
`;

async function post(origin, path, body) {
  const response = await fetch(`${origin}${path}`, { method: 'POST', body: JSON.stringify(body) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`workerd ${path}: ${response.status} ${text}`);
  return JSON.parse(text);
}

async function runWorkerd(fixtures, timeoutMs) {
  const dir = tempDir();
  await bundle('worker.js', join(dir, 'worker.js'), CONDITIONS.workerd.slice(0, 3));
  writeFileSync(join(dir, 'config.capnp'), CAPNP);
  const { origin, child } = await startWorkerd(dir, timeoutMs);
  try {
    const ids = await post(origin, '/setup', fixtures);
    const rows = [];
    for (const id of ids) rows.push(await post(origin, '/row', { id }));
    return rows;
  } finally {
    child.kill('SIGKILL');
  }
}

async function makeFixtures(core, poolSize, budgetMs) {
  const keys = {};
  for (const alg of ALGORITHMS) {
    const k = await makeKeys(alg);
    keys[alg] = {
      secret: k.secret,
      jwk: k.jwk,
      pool: mintPool(k, poolSize),
    };
  }
  const { key } = core.generateApiKey({ prefix: 'pcs' });
  const record = { id: 'key_bench', subject: 'svc-bench', scopes: ['orders:read'] };
  return {
    issuer: ISSUER,
    audience: AUDIENCE,
    keys,
    apiKeys: { prefix: 'pcs', key, record },
    budgetMs,
  };
}

/**
 * Keep, per row, the lowest median of the rounds (interference only ever adds time), and per
 * pair the round whose two sides took least.
 */
function keepBest(runs, key, run) {
  const before = runs[key];
  if (before?.rows === undefined || run.rows === undefined) {
    runs[key] = before?.rows !== undefined ? before : run;
    return;
  }
  for (const [list, cost] of [
    ['rows', (r) => r.ns],
    ['pairs', (r) => r.aNs + r.bNs],
  ]) {
    for (const row of run[list] ?? []) {
      const old = before[list].find((r) => r.id === row.id);
      if (old === undefined) before[list].push(row);
      else if (cost(row) < cost(old)) Object.assign(old, row);
    }
  }
}

async function attempt(fn) {
  try {
    return await fn();
  } catch (err) {
    return { error: err.message.split('\n')[0] };
  }
}

/**
 * Time every row on every runtime, `opts.rounds` times (one runtime at a time, round after round,
 * so a burst of load elsewhere lands on one round, not on one runtime), keeping each row's lowest
 * median. Node, Bun and Deno also pair core's two `#crypto` branches in one process. Resolves to
 * `{ runs, versions, paths, seconds, budgetMs, rounds }`: `runs` maps each runtime to
 * `{ rows, pairs }` or `{ error }`.
 */
export async function runRuntimes(pc, opts, log) {
  const core = need(pc.core);
  const started = Date.now();
  const budgetMs = opts.quick ? 300 : 600;
  const rounds = opts.rounds ?? 1;
  const fixtures = await makeFixtures(core, 256, budgetMs);
  const timeoutMs = 240_000;
  const dir = tempDir();
  // rows.js pinned to each branch, for the process whose own conditions pick the other one.
  const pinned = { node: join(dir, 'rows-node.mjs'), web: join(dir, 'rows-web.mjs') };
  await bundle('rows.js', pinned.node, ['node']);
  await bundle('rows.js', pinned.web, WEB_CONDITIONS);
  const runs = {};
  const versions = {};
  const paths = {};
  for (const runtime of RUNTIMES) {
    versions[runtime] = await versionOf(runtime);
    paths[runtime] = cryptoPath(runtime);
  }
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const runtime of ['node', 'bun', 'deno']) {
        log(`runtimes: ${runtime}, round ${round} of ${rounds}…`);
        const own = paths[runtime];
        const path = own === 'node' ? 'web' : 'node';
        const input = JSON.stringify({ ...fixtures, own, other: { path, module: pinned[path] } });
        const timed = await attempt(() => {
          const [bin, args] = command(runtime, join(here, 'cli.js'), dir);
          return run(bin, args, input, timeoutMs);
        });
        keepBest(runs, runtime, timed);
      }
      log(`runtimes: workerd, round ${round} of ${rounds}…`);
      const timed = await attempt(async () => ({ rows: await runWorkerd(fixtures, timeoutMs) }));
      keepBest(runs, 'workerd', timed);
    }
  } finally {
    for (const child of children) child.kill('SIGKILL');
    for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
  }
  const seconds = (Date.now() - started) / 1000;
  return { runs, versions, paths, seconds, budgetMs, rounds };
}

const NAMES = { node: 'Node', bun: 'Bun', deno: 'Deno', workerd: 'workerd' };
const LIB = { node: 'node:crypto', web: 'Web Crypto' };

function nsOf(data, runtime, id) {
  return data.runs[runtime]?.rows?.find((r) => r.id === id)?.ns;
}

const cell = (ns, ref) =>
  ns === undefined ? 'n/a' : ref ? `${us(ns)} (${(ns / ref).toFixed(2)}×)` : us(ns);
const times = (x) => (x === undefined ? 'n/a' : `${x.toFixed(2)}×`);

const CORE_ROWS = [
  ...ALGORITHMS.flatMap((alg) => [
    [`${alg} first-seen`, `core ${alg} first`],
    [`${alg} repeated`, `core ${alg} repeated`],
  ]),
  ['hashApiKey()', 'core hashApiKey'],
  ['API key, cache off', 'core apiKey nocache'],
];

/** Within this much of 1×, a paired ratio says neither path is faster. */
const EVEN = 0.1;

/**
 * Three tables — µs per verify per runtime on the path core takes there (× Node); raw verify by
 * node:crypto and by Web Crypto on each runtime; core's two paths paired on Node, Bun and Deno —
 * and one line per runtime saying which path is faster for which rows.
 */
export function renderRuntimes(data, markdown = false) {
  const notes = [];
  for (const [runtime, run] of Object.entries(data.runs)) {
    if (run.error) notes.push(`${runtime}: ${run.error}`);
  }
  const sections = [];
  sections.push({
    title:
      'Runtimes — core authenticate() µs/op (median; × Node), on the #crypto path each runtime takes; first-seen = cache: false over 256 distinct tokens, repeated = one token, default cache',
    table: renderTable(
      ['µs/op', ...RUNTIMES.map((r) => `${NAMES[r]} (${LIB[data.paths[r]]})`)],
      CORE_ROWS.map(([label, id]) => {
        const ref = nsOf(data, 'node', id);
        return [label, ...RUNTIMES.map((r) => cell(nsOf(data, r, id), r === 'node' ? 0 : ref))];
      }),
      markdown,
    ),
    notes,
  });
  const rawRows = [...ALGORITHMS.map((alg) => [`${alg} verify`, alg]), ['SHA-256 hex', 'sha256']];
  sections.push({
    title:
      'Runtimes — raw check µs/op (median): node:crypto verify (HMAC: createHmac + timingSafeEqual; SHA-256: crypto.hash) against crypto.subtle.verify (SHA-256: subtle.digest + hex), keys imported once; web/node < 1 = Web Crypto faster',
    table: renderTable(
      ['µs/op', ...RUNTIMES.flatMap((r) => [`${NAMES[r]} node`, `${NAMES[r]} web`, 'web/node'])],
      rawRows.map(([label, id]) => [
        label,
        ...RUNTIMES.flatMap((r) => {
          const node = nsOf(data, r, `node ${id}`);
          const web = nsOf(data, r, `web ${id}`);
          return [cell(node), cell(web), node && web ? times(web / node) : 'n/a'];
        }),
      ]),
      markdown,
    ),
    notes: [],
  });
  const lines = [];
  const pathRows = [];
  for (const r of ['node', 'bun', 'deno']) {
    const verdict = { faster: [], even: [], slower: [] };
    for (const [label, id] of CORE_ROWS) {
      const pair = data.runs[r]?.pairs?.find((p) => p.id === id);
      pathRows.push([`${NAMES[r]} ${label}`, cell(pair?.aNs), cell(pair?.bNs), times(pair?.ratio)]);
      if (pair === undefined) continue;
      const side = pair.ratio < 1 - EVEN ? 'faster' : pair.ratio > 1 + EVEN ? 'slower' : 'even';
      verdict[side].push(`${label} ${times(pair.ratio)}`);
    }
    lines.push(
      `${NAMES[r]} (${data.versions[r] ?? '?'}), core takes ${LIB[data.paths[r]]}. The Web Crypto path is faster for: ${verdict.faster.join(', ') || 'nothing'}; within ${EVEN * 100} % for: ${verdict.even.join(', ') || 'nothing'}; slower for: ${verdict.slower.join(', ') || 'nothing'}`,
    );
  }
  sections.push({
    title:
      'Runtimes — core authenticate() µs/op on each #crypto path in one process, paired A/B: A = node:crypto (the `node` condition), B = Web Crypto (rows.js bundled with the `worker`, `browser` conditions); web/node = median of the per-pair ratios, < 1 = Web Crypto faster',
    table: renderTable(
      ['µs/op', 'node:crypto path', 'Web Crypto path', 'web/node'],
      pathRows,
      markdown,
    ),
    notes: [],
  });
  return { sections, lines };
}
