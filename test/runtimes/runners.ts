// How the runtime matrix starts each runtime: Node, Bun and Deno run cli.js (fixtures on stdin,
// results on stdout); workerd serves worker.js, bundled by esbuild, on a free 127.0.0.1 port and
// answers a POST of the fixtures. Every child has a deadline and is killed by `stopAll()`.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Result } from './fixtures.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository: what Deno may read (the packages' dist and node_modules). */
const REPO = resolve(here, '../..');
const CLI = join(here, 'cli.js');
const require = createRequire(import.meta.url);

/**
 * The runtime's own executable, placed by its npm package's postinstall: never the
 * node_modules/.bin shim, a shell script whose child would outlive a kill.
 */
function binary(name: 'bun' | 'deno' | 'workerd'): string {
  const path = {
    bun: () => join(dirname(require.resolve('bun/package.json')), 'bin/bun.exe'),
    deno: () => join(dirname(require.resolve('deno/package.json')), 'deno'),
    workerd: () => join(dirname(require.resolve('workerd/package.json')), 'bin/workerd'),
  }[name]();
  if (!existsSync(path)) throw new Error(`${name}: no executable at ${path}; run pnpm install`);
  return path;
}

/** The runtimes of the matrix, Node first: its answers are the baseline. */
export const RUNTIMES = ['node', 'bun', 'deno', 'workerd'] as const;
export type Runtime = (typeof RUNTIMES)[number];

const children = new Set<ChildProcess>();
const temps = new Set<string>();

/** Kill every child still running and remove the temporary directories. */
export function stopAll(): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  children.clear();
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  temps.clear();
}

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** A quiet environment: no update checks, no telemetry, caches in a temporary directory. */
function env(cache: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: cache,
    TMPDIR: cache,
    NO_COLOR: '1',
    DENO_DIR: join(cache, 'deno'),
    DENO_NO_UPDATE_CHECK: '1',
    DENO_NO_PROMPT: '1',
    BUN_INSTALL_CACHE_DIR: join(cache, 'bun'),
    DO_NOT_TRACK: '1',
  };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-runtimes-'));
  temps.add(dir);
  return dir;
}

function collect(stream: Readable | null): () => string {
  const chunks: Buffer[] = [];
  stream?.on('data', (c: Buffer) => chunks.push(c));
  return () => Buffer.concat(chunks).toString('utf8');
}

/** Run `command`, send `input`, resolve to its stdout; reject on a non-zero exit or the deadline. */
function run(command: string, args: string[], input: string, cache: string, timeoutMs: number) {
  return new Promise<string>((resolvePromise, reject) => {
    const child = track(spawn(command, args, { cwd: here, env: env(cache) }));
    const stdout = collect(child.stdout);
    const stderr = collect(child.stderr);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} timed out after ${timeoutMs} ms\n${stderr()}`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise(stdout());
      else reject(new Error(`${command} exited with ${code ?? signal}\n${stderr()}\n${stdout()}`));
    });
    child.stdin?.end(input);
  });
}

/** The last line of a runner's stdout, parsed. */
function results(stdout: string): Result[] {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as Result[];
}

/** The JWKS server's port (the only place a runtime may reach) and each run's deadline. */
export interface RunOptions {
  jwksPort: number;
  timeoutMs: number;
}

async function runCli(runtime: 'node' | 'bun' | 'deno', fixtures: string, options: RunOptions) {
  const cache = tempDir();
  const { timeoutMs, jwksPort } = options;
  switch (runtime) {
    case 'node':
      return results(await run(process.execPath, [CLI], fixtures, cache, timeoutMs));
    case 'bun':
      return results(
        await run(binary('bun'), ['run', '--no-install', CLI], fixtures, cache, timeoutMs),
      );
    case 'deno':
      // The narrowest permissions: read the repository (dist, node_modules), reach the JWKS
      // server and nothing else; no environment, no writes, no prompts.
      return results(
        await run(
          binary('deno'),
          [
            'run',
            '--no-lock',
            '--no-prompt',
            `--allow-read=${REPO}`,
            `--allow-net=127.0.0.1:${jwksPort}`,
            CLI,
          ],
          fixtures,
          cache,
          timeoutMs,
        ),
      );
  }
}

/** Bundle worker.js the way a Workers build does: `workerd`, `worker`, `browser` conditions. */
async function bundleWorker(outfile: string): Promise<void> {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(here, 'worker.js')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    logLevel: 'silent',
  });
}

/**
 * A workerd config: the worker on a socket whose port workerd picks (and reports on the control
 * fd), and its only way out, `globalOutbound`, the JWKS server on 127.0.0.1.
 */
function capnp(jwksPort: number): string {
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .matrix),
    (name = "jwks", external = (address = "127.0.0.1:${jwksPort}", http = ())),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);

const matrix :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2025-09-01",
  globalOutbound = "jwks",
);
`;
}

/** Start workerd on `dir` (worker.js and config.capnp); resolve to its origin once it listens. */
function startWorkerd(dir: string, timeoutMs: number) {
  return new Promise<{ origin: string; child: ChildProcess }>((resolvePromise, reject) => {
    const child = track(
      spawn(binary('workerd'), ['serve', join(dir, 'config.capnp'), '--control-fd=3'], {
        cwd: dir,
        env: env(dir),
        stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      }),
    );
    const stderr = collect(child.stderr);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`workerd did not listen within ${timeoutMs} ms\n${stderr()}`));
    }, timeoutMs);
    let control = '';
    (child.stdio[3] as Readable).on('data', (chunk: Buffer) => {
      control += chunk.toString('utf8');
      for (const line of control.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const event = JSON.parse(line) as { event?: string; socket?: string; port?: number };
          if (event.event === 'listen' && event.socket === 'http') {
            clearTimeout(timer);
            resolvePromise({ origin: `http://127.0.0.1:${event.port}`, child });
          }
        } catch {}
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`workerd exited with ${code ?? signal}\n${stderr()}`));
    });
  });
}

async function runWorkerd(fixtures: string, options: RunOptions): Promise<Result[]> {
  const dir = tempDir();
  await bundleWorker(join(dir, 'worker.js'));
  writeFileSync(join(dir, 'config.capnp'), capnp(options.jwksPort));
  const { origin, child } = await startWorkerd(dir, options.timeoutMs);
  try {
    const response = await fetch(origin, {
      method: 'POST',
      body: fixtures,
      headers: { 'content-type': 'application/json' },
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`workerd answered ${response.status}: ${text}`);
    return JSON.parse(text) as Result[];
  } finally {
    child.kill('SIGKILL');
  }
}

/** Run the cases of `fixtures` on `runtime`; resolve to its results. */
export function runOn(runtime: Runtime, fixtures: string, options: RunOptions): Promise<Result[]> {
  return runtime === 'workerd' ? runWorkerd(fixtures, options) : runCli(runtime, fixtures, options);
}
