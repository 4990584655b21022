#!/usr/bin/env node
// `pnpm release:check`: is what we would publish usable? It builds, packs every public package with
// pnpm (as `changeset publish` would), inspects each tarball, then installs the tarballs with npm into
// fresh apps outside the repository and runs them: an Express, a Koa, a Hono, a Fastify 5 and a
// Fastify 4 server, and a @portcullis/fetch handler called with a Request, through `import` and
// through `require()` (require(esm), Node >= 20.19), and a TypeScript file importing every
// package, type-checked with node16, nodenext and bundler resolution by the repository's tsc (and
// `request.auth` against Fastify 4's own types).
// One line per check, a summary, exit code 1 on any failure. `--keep` keeps the temporary apps.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const rootManifest = readJson(join(root, 'package.json'));
const pnpmSpec = rootManifest.packageManager; // pnpm@x.y.z, the version CI uses
const started = Date.now();
const limitSeconds = 600;
const keep = process.argv.includes('--keep');
const children = new Set();
const deadline = setTimeout(() => {
  console.log(`FAIL release:check did not finish in ${limitSeconds} s`);
  for (const child of children) kill(child);
  process.exit(1);
}, limitSeconds * 1000);
const results = [];

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Run a command; resolve to its output, reject with it on a non-zero exit or after `timeout` ms. */
function run(command, args, { cwd = root, timeout = 120_000, env } = {}) {
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout ends npm's or pnpm's children too.
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, detached: true });
    children.add(child);
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => {
      output += `\n(killed after ${timeout} ms)`;
      kill(child);
    }, timeout);
    child.on('error', (error) => {
      clearTimeout(timer);
      children.delete(child);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}\n${output.trim()}`));
    });
  });
}

function kill(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {}
}

const pnpm = (args, options) => run('npx', ['--yes', pnpmSpec, ...args], options);
const npm = (args, options) => run('npm', args, options);

/** Run one named check; print `ok`/`FAIL` with its time and what it found. Never throws. */
async function check(name, fn) {
  const t0 = Date.now();
  try {
    const detail = await fn();
    const line = `ok   ${name}${detail ? `: ${detail}` : ''} (${Date.now() - t0} ms)`;
    console.log(line);
    results.push({ name, ok: true });
  } catch (error) {
    const message = String(error?.message ?? error).trim();
    console.log(`FAIL ${name} (${Date.now() - t0} ms)\n${message.replace(/^/gm, '     ')}`);
    results.push({ name, ok: false });
  }
}

function summary() {
  const failed = results.filter((r) => !r.ok);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (failed.length === 0) {
    console.log(`release:check: all ${results.length} checks passed in ${seconds} s`);
    if (!keep) rmSync(work, { recursive: true, force: true });
  } else {
    console.log(
      `release:check: ${failed.length} of ${results.length} checks failed in ${seconds} s (files kept in ${work})`,
    );
    process.exitCode = 1;
  }
}

/** After a failed build or pack, nothing later would mean anything. */
function stopOnFailure() {
  if (results.every((r) => r.ok)) return;
  clearTimeout(deadline);
  summary();
  process.exit();
}

function assert(problems) {
  if (problems.length > 0) throw new Error(problems.join('\n'));
}

// ---------------------------------------------------------------------------------------------
// The packages and the framework versions the repository tests against.

const packages = readdirSync(join(root, 'packages'))
  .map((dir) => ({
    dir: join(root, 'packages', dir),
    manifest: readJson(join(root, 'packages', dir, 'package.json')),
  }))
  .filter(({ manifest }) => !manifest.private);
const versions = new Map(packages.map(({ manifest }) => [manifest.name, manifest.version]));

/** `catalog:` entries of pnpm-workspace.yaml (the default catalog: `name: spec` lines). */
function readCatalog() {
  const catalog = new Map();
  let inside = false;
  for (const line of readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8').split('\n')) {
    if (/^catalog:\s*$/.test(line)) inside = true;
    else if (/^\S/.test(line)) inside = false;
    else if (inside) {
      const entry = /^\s+['"]?([^'":\s]+)['"]?:\s*['"]?([^'"#]+?)['"]?\s*(#.*)?$/.exec(line);
      if (entry) catalog.set(entry[1], entry[2]);
    }
  }
  return catalog;
}

const catalog = readCatalog();
const suiteDeps = readJson(join(root, 'test', 'package.json')).devDependencies;
// A peer only one package tests against (@modelcontextprotocol/sdk): that package's devDependency.
const packageDeps = Object.assign({}, ...packages.map(({ manifest }) => manifest.devDependencies));
/** The range the test suite (or the root, or a package) uses for `name`, as `name@range` for npm. */
function registrySpec(name) {
  // `[name, alias]`: install the range the suite uses for `alias` (`fastify4`) under `name`.
  if (Array.isArray(name)) return `${name[0]}@${registrySpec(name[1]).slice(name[1].length + 1)}`;
  let spec = suiteDeps[name] ?? rootManifest.devDependencies[name] ?? packageDeps[name];
  if (spec === undefined)
    throw new Error(`neither test/package.json, package.json nor a package's has ${name}`);
  if (spec.startsWith('catalog:')) spec = catalog.get(name);
  if (spec === undefined) throw new Error(`pnpm-workspace.yaml's catalog has no ${name}`);
  return `${name}@${spec}`;
}

// ---------------------------------------------------------------------------------------------
// Build and pack.

const work = mkdtempSync(join(tmpdir(), 'portcullis-release-'));
const tarballDir = join(work, 'tarballs');
mkdirSync(tarballDir);
const tarballs = new Map(); // name -> absolute .tgz path

console.log(`release:check in ${work}`);

await check('build', async () => {
  await pnpm(['--silent', 'build', '--output-logs=errors-only'], { timeout: 300_000 });
});
stopOnFailure();

await check(`pack ${packages.length} packages with ${pnpmSpec}`, async () => {
  await Promise.all(
    packages.map(async ({ dir, manifest }) => {
      const output = await pnpm(['pack', '--json', '--pack-destination', tarballDir], { cwd: dir });
      tarballs.set(manifest.name, JSON.parse(output.slice(output.indexOf('{'))).filename);
    }),
  );
  return [...tarballs.values()].map((file) => relative(tarballDir, file)).join(', ');
});
stopOnFailure();

// ---------------------------------------------------------------------------------------------
// What is in each tarball.

const stripCondition = (value, condition) =>
  value === null || typeof value !== 'object'
    ? value
    : Object.fromEntries(
        Object.entries(value)
          .filter(([key]) => key !== condition)
          .map(([key, inner]) => [key, stripCondition(inner, condition)]),
      );
const license = readFileSync(join(root, 'LICENSE'), 'utf8');
const repository = 'https://github.com/portcullis-dev/portcullis';

function listFiles(dir, prefix = '') {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? listFiles(join(dir, entry.name), `${prefix}${entry.name}/`)
      : [`${prefix}${entry.name}`],
  );
}

for (const { dir, manifest } of packages) {
  await check(`tarball ${manifest.name}`, async () => {
    const tgz = tarballs.get(manifest.name);
    if (!tgz) throw new Error('not packed');
    const out = join(work, 'unpacked', manifest.name);
    mkdirSync(out, { recursive: true });
    await run('tar', ['-xzf', tgz, '-C', out]);
    const pkg = join(out, 'package');
    const files = listFiles(pkg);
    const packed = readJson(join(pkg, 'package.json'));
    const problems = [];

    if (!files.includes('LICENSE')) problems.push('no LICENSE');
    else if (readFileSync(join(pkg, 'LICENSE'), 'utf8') !== license)
      problems.push('LICENSE differs from the root LICENSE');
    if (!files.includes('README.md')) problems.push('no README.md');
    else {
      const readme = readFileSync(join(pkg, 'README.md'), 'utf8');
      for (const [, link] of readme.matchAll(/\]\(\s*<?([^)\s>]+)/g))
        if (!/^(https?:|mailto:|#)/.test(link))
          problems.push(`README link ${link} is relative: it breaks on the registry's page`);
    }
    for (const file of files) {
      if (file.startsWith('src/')) problems.push(`${file}: sources are not published`);
      if (/\.test(-d)?\.[cm]?[jt]s$|test-helpers\//.test(file))
        problems.push(`${file}: a test file`);
    }

    // Manifest: what pnpm made of it at pack time.
    if (packed.version !== manifest.version) problems.push(`version ${packed.version}`);
    const wanted = stripCondition(manifest.exports, 'dev-source');
    if (JSON.stringify(packed.exports) !== JSON.stringify(wanted))
      problems.push(
        'packed `exports` is not `exports` without `dev-source`: keep publishConfig.exports in step with exports',
      );
    if (manifest.imports) {
      const imports = stripCondition(manifest.imports, 'dev-source');
      if (JSON.stringify(packed.imports) !== JSON.stringify(imports))
        problems.push(
          'packed `imports` is not `imports` without `dev-source`: keep publishConfig.imports in step',
        );
    }
    if (JSON.stringify(packed).includes('dev-source'))
      problems.push('the `dev-source` condition is published');
    if (packed.repository?.url !== `git+${repository}.git`)
      problems.push('`repository.url` missing or wrong');
    if (packed.repository?.directory !== relative(root, dir))
      problems.push('`repository.directory` wrong');
    if (!packed.homepage?.startsWith(`${repository}/tree/main/${relative(root, dir)}`))
      problems.push('`homepage` missing or wrong');
    if (!(packed.bugs?.url ?? packed.bugs)?.startsWith(repository)) problems.push('`bugs` missing');
    if (packed.license !== 'MIT') problems.push('`license` is not MIT');
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const [name, spec] of Object.entries(packed[field] ?? {})) {
        if (spec.includes('workspace:') || spec.includes('catalog:'))
          problems.push(`${field}.${name} is ${spec}`);
        if (versions.has(name) && spec !== `^${versions.get(name)}`)
          problems.push(`${field}.${name} is ${spec}, want ^${versions.get(name)}`);
      }
    }

    // Build output: nothing left over from deleted sources, every source map self-contained.
    const sources = new Set(listFiles(join(dir, 'src')).map((file) => file.replace(/\.ts$/, '')));
    for (const file of files.filter((f) => f.startsWith('dist/'))) {
      const stem = file.slice('dist/'.length).replace(/(\.d\.ts|\.js)(\.map)?$/, '');
      if (!sources.has(stem))
        problems.push(
          `${file} has no source: stale build output (rm -rf ${relative(root, dir)}/dist, rebuild)`,
        );
      if (file.endsWith('.map')) {
        const map = readJson(join(pkg, file));
        map.sources.forEach((source, i) => {
          const target = join(pkg, file, '..', source);
          if (map.sourcesContent?.[i] == null && !files.includes(relative(pkg, target)))
            problems.push(`${file} points to ${source}, which is not in the tarball`);
        });
      }
    }
    assert(problems);
    const size = files.length;
    return `${size} files, exports ${Object.keys(packed.exports).join(' ')}, deps ${Object.entries(
      packed.dependencies ?? {},
    )
      .map(([name, spec]) => `${name}@${spec}`)
      .join(' ')}`;
  });
}

for (const { manifest } of packages) {
  await check(`publint and attw on ${manifest.name}'s tarball`, async () => {
    const bin = (name) => join(root, 'node_modules', '.bin', name);
    const tgz = tarballs.get(manifest.name);
    await run(bin('publint'), ['run', tgz, '--strict']);
    await run(bin('attw'), [tgz, '--profile', 'esm-only', '--format', 'ascii']);
  });
}

// ---------------------------------------------------------------------------------------------
// Fresh apps: each installs the tarballs and the framework from the registry, nothing else.

const body = `
function listen(listener) {
  const server = createServer(listener);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: 'http://127.0.0.1:' + server.address().port, close: () => stop(server) }),
    );
  });
}

function stop(server) {
  return new Promise((done) => {
    server.close(() => done());
    server.closeAllConnections();
  });
}

async function main() {
  const names = ['@portcullis/core', '@portcullis/testing', ADAPTER];
  for (const name of names) {
    const file = resolveFrom(name);
    const want = join(here, 'node_modules', ...name.split('/'), 'dist') + sep;
    if (!file.startsWith(want)) throw new Error(name + ' resolved to ' + file + ', not under ' + want);
  }
  const issuer = await createTestIssuer();
  const { key, hash } = generateApiKey({ prefix: 'rc' });
  const record = { id: 'key-1', subject: 'service-1', scopes: ['read'] };
  const authenticator = createAuthenticator({
    realm: 'release-check',
    methods: [
      jwt(issuer.jwtOptions),
      apiKey({ prefix: 'rc', lookup: (presented) => (presented === hash ? record : null) }),
    ],
  });
  const { url, close, get: own } = await serve(authenticator);
  const problems = [];
  const expect = (what, ok) => ok || problems.push(what);
  // A server is asked over HTTP; a fetch handler (no server) is called with a Request.
  const get = own ?? ((headers) => fetch(url + '/me', { headers }));
  try {
    let res = await get({});
    const challenge = res.headers.get('www-authenticate');
    expect('no credential: status ' + res.status, res.status === 401);
    expect('no credential: WWW-Authenticate ' + challenge, challenge === 'Bearer realm="release-check"');

    const token = await issuer.sign({ scope: 'read' });
    res = await get({ authorization: 'Bearer ' + token });
    let text = await res.text();
    expect('JWT: ' + res.status + ' ' + text, res.status === 200 && text === '{"method":"jwt","subject":"test-subject"}');

    res = await get({ 'x-api-key': key });
    text = await res.text();
    expect('API key: ' + res.status + ' ' + text, res.status === 200 && text === '{"method":"api_key","subject":"service-1"}');

    res = await get({ authorization: 'Bearer ' + tamper(token) });
    expect('tampered JWT: ' + res.status, res.status === 401);
    expect('tampered JWT: ' + res.headers.get('www-authenticate'), /^Bearer .*error="invalid_token"/.test(res.headers.get('www-authenticate')));

    res = await get({ authorization: 'Bearer ' + (await issuer.sign({ scope: 'write' })) });
    expect('missing scope: ' + res.status, res.status === 403);
    expect('missing scope: ' + res.headers.get('www-authenticate'), /error="insufficient_scope".*scope="read"/.test(res.headers.get('www-authenticate')));
  } finally {
    await close();
  }
  if (problems.length > 0) throw new Error(problems.join('\\n'));
  console.log('401 + challenge without a credential, 200 with a JWT and with an API key, 401 tampered, 403 without the scope');
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
`;

// The Fastify app: the plugin declares request.auth, the hooks guard the route.
const FASTIFY_SERVE = `async function serve(authenticator) {
  const app = Fastify();
  await app.register(portcullis);
  app.get(
    '/me',
    { onRequest: authenticate(authenticator), preHandler: requireScope('read') },
    async (request) => ({ method: request.auth.method, subject: request.auth.subject }),
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: 'http://127.0.0.1:' + app.server.address().port, close: () => app.close() };
}`;

const frameworks = {
  express: {
    registry: ['express'],
    esm: `import express from 'express';`,
    cjs: `const express = require('express');`,
    serve: `function serve(authenticator) {
  const app = express();
  app.get('/me', authenticate(authenticator), requireScope('read'), (req, res) => {
    res.json({ method: req.auth.method, subject: req.auth.subject });
  });
  return listen(app);
}`,
  },
  koa: {
    registry: ['koa', '@koa/router'],
    esm: `import Router from '@koa/router';\nimport Koa from 'koa';`,
    cjs: `const Router = require('@koa/router');\nconst Koa = require('koa');`,
    serve: `function serve(authenticator) {
  const app = new Koa();
  const router = new Router();
  router.get('/me', authenticate(authenticator), requireScope('read'), (ctx) => {
    ctx.body = { method: ctx.state.auth.method, subject: ctx.state.auth.subject };
  });
  app.use(router.routes());
  return listen(app.callback());
}`,
  },
  fastify: {
    registry: ['fastify'],
    names: 'authenticate, portcullis, requireScope',
    esm: `import Fastify from 'fastify';`,
    cjs: `const Fastify = require('fastify');`,
    serve: FASTIFY_SERVE,
  },
  // The same app on Fastify 4, installed as `fastify` (the peer dependency's name).
  fastify4: {
    adapter: 'fastify',
    registry: [['fastify', 'fastify4'], '@types/node'],
    names: 'authenticate, portcullis, requireScope',
    esm: `import Fastify from 'fastify';`,
    cjs: `const Fastify = require('fastify');`,
    serve: FASTIFY_SERVE,
  },
  hono: {
    registry: ['hono', '@hono/node-server'],
    esm: `import { serve as serveNode } from '@hono/node-server';\nimport { Hono } from 'hono';`,
    cjs: `const { serve: serveNode } = require('@hono/node-server');\nconst { Hono } = require('hono');`,
    serve: `function serve(authenticator) {
  const app = new Hono();
  app.get('/me', authenticate(authenticator), requireScope('read'), (c) =>
    c.json({ method: c.var.auth.method, subject: c.var.auth.subject }),
  );
  return new Promise((resolve) => {
    const server = serveNode({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve({ url: 'http://127.0.0.1:' + info.port, close: () => stop(server) }),
    );
  });
}`,
  },
  // No framework and no server: the withAuth() handler is called with a Request, as Bun, Deno,
  // Workers and Next.js call it.
  fetch: {
    registry: [],
    names: 'withAuth',
    esm: '',
    cjs: '',
    serve: `function serve(authenticator) {
  const me = withAuth(
    (request, { auth }) => Response.json({ method: auth.method, subject: auth.subject }),
    { authenticator, scopes: ['read'] },
  );
  const get = (headers) => me(new Request('https://api.example.test/me', { headers }));
  return { get, close: async () => {} };
}`,
  },
};

function appSource(framework, format) {
  const adapter = `@portcullis/${frameworks[framework].adapter ?? framework}`;
  const { esm, cjs, serve, names = 'authenticate, requireScope' } = frameworks[framework];
  const header =
    format === 'esm'
      ? `import { createServer } from 'node:http';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiKey, createAuthenticator, generateApiKey, jwt } from '@portcullis/core';
import { ${names} } from '${adapter}';
import { createTestIssuer, tamper } from '@portcullis/testing';
${esm}
const here = dirname(fileURLToPath(import.meta.url));
const resolveFrom = (name) => fileURLToPath(import.meta.resolve(name));`
      : `'use strict';
const { createServer } = require('node:http');
const { join, sep } = require('node:path');
const { apiKey, createAuthenticator, generateApiKey, jwt } = require('@portcullis/core');
const { ${names} } = require('${adapter}');
const { createTestIssuer, tamper } = require('@portcullis/testing');
${cjs}
const here = __dirname;
const resolveFrom = (name) => require.resolve(name);`;
  return `${header}\nconst ADAPTER = '${adapter}';\n\n${serve}\n${body}`;
}

const fileSpec = (name) => `file:${tarballs.get(name)}`;

function writeApp(dir, dependencies, extra = {}) {
  mkdirSync(dir, { recursive: true });
  const manifest = { name: 'release-check-app', private: true, ...extra, dependencies };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

async function install(dir, registryDeps) {
  const specs = registryDeps.map(registrySpec);
  await npm(['install', '--no-audit', '--no-fund', '--loglevel=error', ...specs], {
    cwd: dir,
    timeout: 300_000,
  });
  // Every @portcullis/* in the tree must be one of our tarballs, never a copy from the registry.
  const lock = readJson(join(dir, 'package-lock.json'));
  const strays = Object.entries(lock.packages)
    .filter(([path]) => /(^|\/)node_modules\/@portcullis\//.test(path))
    .filter(([, entry]) => !entry.resolved?.startsWith('file:'))
    .map(([path, entry]) => `${path} from ${entry.resolved}`);
  if (strays.length > 0) throw new Error(`not from the tarballs: ${strays.join(', ')}`);
}

const apps = Object.keys(frameworks).map((framework) => ({
  framework,
  dir: join(work, framework),
}));
const typesDir = join(work, 'typescript');
const installs = new Map();

await check('npm install the tarballs into fresh apps', async () => {
  if (tarballs.size !== packages.length) throw new Error('not every package was packed');
  for (const { framework, dir } of apps) {
    const deps = Object.fromEntries(
      [
        '@portcullis/core',
        `@portcullis/${frameworks[framework].adapter ?? framework}`,
        '@portcullis/testing',
      ].map((n) => [n, fileSpec(n)]),
    );
    writeApp(dir, deps);
    writeFileSync(join(dir, 'app.mjs'), appSource(framework, 'esm'));
    writeFileSync(join(dir, 'app.cjs'), appSource(framework, 'cjs'));
    installs.set(framework, install(dir, frameworks[framework].registry));
  }
  writeFastify4TypeScript(join(work, 'fastify4'));
  writeApp(
    typesDir,
    Object.fromEntries(packages.map(({ manifest: m }) => [m.name, fileSpec(m.name)])),
    {
      type: 'module',
    },
  );
  writeTypeScriptApp(typesDir);
  installs.set(
    'typescript',
    install(typesDir, [
      'redis',
      'express',
      'koa',
      '@koa/router',
      'hono',
      'fastify',
      '@types/express',
      '@types/koa',
      '@types/node',
      '@modelcontextprotocol/sdk',
    ]),
  );
  const names = [...installs.keys()];
  const settled = await Promise.allSettled(installs.values());
  assert(
    settled.flatMap((outcome, i) =>
      outcome.status === 'rejected' ? [`${names[i]}: ${outcome.reason.message}`] : [],
    ),
  );
  return names.join(', ');
});

for (const { framework, dir } of apps) {
  for (const [format, file] of [
    ['ESM', 'app.mjs'],
    ['CommonJS require()', 'app.cjs'],
  ]) {
    await check(`${framework} app, ${format}`, async () => {
      const output = await run(process.execPath, [file], { cwd: dir, timeout: 60_000 });
      return output.trim().split('\n').at(-1);
    });
  }
}

/** In the Fastify 4 app: a file that uses request.auth, for tsc against Fastify 4's types. */
function writeFastify4TypeScript(dir) {
  writeFileSync(
    join(dir, 'types.mts'),
    `import { type Budget, createAuthenticator, jwt, type Principal } from '@portcullis/core';
import portcullis, { authenticate, requireScope } from '@portcullis/fastify';
import Fastify, { type FastifyRequest } from 'fastify';

type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const auth: Exactly<FastifyRequest['auth'], Principal | null | undefined> = true;
export const budget: Exactly<FastifyRequest['budget'], Budget | null | undefined> = true;

export async function build() {
  const authenticator = createAuthenticator({
    methods: [jwt({ algorithms: ['RS256'], issuer: 'https://id.example.com', audience: 'api', jwks: 'https://id.example.com/jwks' })],
  });
  const app = Fastify();
  await app.register(portcullis, { authenticator });
  app.get('/me', { onRequest: app.authenticate, preHandler: requireScope('read') }, async (request) => {
    const who: Principal | null | undefined = request.auth;
    return { subject: who?.subject ?? null };
  });
  app.addHook('onRequest', authenticate(authenticator, { optional: true }));
  return app;
}
`,
  );
  const compilerOptions = {
    target: 'es2022',
    lib: ['es2023'],
    types: ['node'],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: 'nodenext',
    moduleResolution: 'nodenext',
  };
  writeFileSync(
    join(dir, 'tsconfig.types.json'),
    `${JSON.stringify({ compilerOptions, files: ['types.mts'] }, null, 2)}\n`,
  );
}

// ---------------------------------------------------------------------------------------------
// TypeScript: one file that uses every package, checked under three resolution modes.

function writeTypeScriptApp(dir) {
  writeFileSync(
    join(dir, 'index.ts'),
    `import {
  type ApiKeyRecord,
  AuthError,
  apiKey,
  createAuthenticator,
  generateApiKey,
  jwt,
  memoryDenyList,
  type Principal,
} from '@portcullis/core';
import { apiKeyAuth, authFetch, clientCredentials, type CredentialProvider, OAuthClientError } from '@portcullis/client';
import * as expressAuth from '@portcullis/express';
import portcullis, * as fastifyAuth from '@portcullis/fastify';
import * as fetchAuth from '@portcullis/fetch';
import * as honoAuth from '@portcullis/hono';
import * as koaAuth from '@portcullis/koa';
import { type McpAuthExtra, mcpTokenVerifier } from '@portcullis/mcp';
import { type RedisDenyList, redisDenyList, redisInvalidation, redisReplayStore } from '@portcullis/redis';
import { createTestIssuer, tamper } from '@portcullis/testing';
import Router from '@koa/router';
import type { OAuthTokenVerifier } from '@modelcontextprotocol/sdk/server/auth/provider.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { createClient, createCluster } from 'redis';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';

export async function build(): Promise<unknown[]> {
  const issuer = await createTestIssuer();
  const { key, hash } = generateApiKey({ prefix: 'rc' });
  const record: ApiKeyRecord = { id: 'k', subject: 's', scopes: ['read'] };
  const authenticator = createAuthenticator({
    methods: [
      jwt({ ...issuer.jwtOptions, denyList: memoryDenyList() }),
      apiKey({ prefix: 'rc', lookup: (h: string) => (h === hash ? record : null) }),
    ],
  });
  const token: string = tamper(await issuer.sign({ scope: 'read' }));
  const error: AuthError | undefined = undefined;
  const code: string | undefined = (error as AuthError | undefined)?.code;

  const e = express();
  e.get('/me', expressAuth.authenticate(authenticator), expressAuth.requireScope('read'), (req, res) => {
    const who: Principal | undefined = req.auth;
    res.json({ subject: who?.subject });
  });

  const k = new Koa();
  const router = new Router();
  router.get('/me', koaAuth.authenticate(authenticator, { optional: true }), koaAuth.requireAnyScope('read'), (ctx) => {
    const who: Principal | undefined = ctx.state.auth;
    ctx.body = { subject: who?.subject };
  });
  k.use(router.routes());

  const h = new Hono();
  h.get('/me', honoAuth.authenticate(authenticator), honoAuth.requireScope('read'), (c) => {
    const who: Principal | undefined = c.var.auth;
    return c.json({ subject: who?.subject ?? null });
  });
  const f = fetchAuth.withAuth(
    (request: Request, { auth }, env: { region: string }) =>
      Response.json({ subject: auth.subject, url: request.url, region: env.region }),
    { authenticator, scopes: ['read'], rateLimit: { limit: 10, window: 60 } },
  );
  const open = fetchAuth.withAuth(
    (_request, { auth }) => new Response(auth?.subject ?? 'anonymous'),
    { authenticator, optional: true },
  );
  const metadata = fetchAuth.protectedResource({
    resource: 'https://api.example.com',
    authorizationServers: ['https://auth.example.com'],
  });
  const request = new Request('https://api.example.com/me', { headers: { 'x-api-key': key } });
  const answered: Response = metadata(request) ?? (await f(request, { region: 'eu' }));
  const anonymous: Promise<Response> = open(request);
  const fa = Fastify();
  await fa.register(portcullis, { authenticator });
  fa.get('/me', { onRequest: fa.authenticate, preHandler: fastifyAuth.requireScope('read') }, async (request) => {
    const who: Principal | null | undefined = request.auth;
    return { subject: who?.subject ?? null };
  });
  fa.addHook('onRequest', fastifyAuth.authenticate(authenticator, { optional: true }));
  return [e, k, h, key, token, code, answered, anonymous, fa];
}

export async function mcp(token: string): Promise<string> {
  const resource = 'https://mcp.example.com/mcp';
  const issuer = await createTestIssuer({ audience: resource });
  const authenticator = createAuthenticator({ methods: [jwt(issuer.jwtOptions)] });
  const verifier: OAuthTokenVerifier = mcpTokenVerifier(authenticator, { resource });
  const info: AuthInfo = await verifier.verifyAccessToken(token);
  const extra = info.extra as McpAuthExtra | undefined;
  return \`\${info.clientId} \${extra?.method} \${info.resource?.href}\`;
}

export async function agent(url: string): Promise<number> {
  const provider: CredentialProvider = clientCredentials({
    tokenEndpoint: url + '/token',
    clientId: 'rc',
    clientSecret: 'secret',
    scope: ['read'],
    dpop: true,
  });
  const api = authFetch(apiKeyAuth('rc_key', { header: 'x-api-key' }), fetch);
  const res: Response = await api(url, { method: 'POST', body: new URLSearchParams({ a: '1' }) });
  try {
    await authFetch(provider)(new URL(url));
  } catch (err) {
    if (err instanceof OAuthClientError) return err.status ?? 0;
  }
  return res.status;
}

export async function fleet(url: string): Promise<RedisDenyList> {
  const client = await createClient({ url }).on('error', () => {}).connect();
  const cluster = createCluster({ rootNodes: [{ url }] });
  const keys = apiKey({ prefix: 'rc', lookup: () => null, invalidation: await redisInvalidation({ client }) });
  const replay: boolean = await redisReplayStore({ client: cluster, prefix: 'rc:' }).claim('id', 1);
  await keys.invalidate('00');
  return replay ? redisDenyList({ client, maxStaleness: 500 }) : redisDenyList({ client });
}
`,
  );
  writeFileSync(
    join(dir, 'require.cts'),
    `import { createAuthenticator, jwt } from '@portcullis/core';
import { authenticate } from '@portcullis/express';
import { createTestIssuer } from '@portcullis/testing';

export async function build(): Promise<unknown> {
  const issuer = await createTestIssuer();
  return authenticate(createAuthenticator({ methods: [jwt(issuer.jwtOptions)] }));
}
`,
  );
  // The three resolution modes as an application would set them (skipLibCheck, no DOM), and one
  // more that checks our own declaration files strictly, as the repository builds them (with DOM).
  const configs = {
    node16: { module: 'node16', moduleResolution: 'node16', files: ['index.ts'] },
    nodenext: {
      module: 'nodenext',
      moduleResolution: 'nodenext',
      files: ['index.ts', 'require.cts'],
    },
    bundler: { module: 'esnext', moduleResolution: 'bundler', files: ['index.ts'] },
    declarations: {
      module: 'nodenext',
      moduleResolution: 'nodenext',
      lib: ['es2023', 'dom'],
      skipLibCheck: false,
      files: ['index.ts', 'require.cts'],
    },
  };
  for (const [name, { files, ...options }] of Object.entries(configs)) {
    const compilerOptions = {
      target: 'es2022',
      lib: ['es2023'],
      types: ['node'],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      ...options,
    };
    const config = { compilerOptions, files };
    writeFileSync(join(dir, `tsconfig.${name}.json`), `${JSON.stringify(config, null, 2)}\n`);
  }
}

const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const tscVersion = readJson(join(root, 'node_modules', 'typescript', 'package.json')).version;

await check(`TypeScript ${tscVersion}, request.auth on Fastify 4's own types`, async () => {
  await installs.get('fastify4');
  await run(process.execPath, [tsc, '-p', 'tsconfig.types.json'], {
    cwd: join(work, 'fastify4'),
    timeout: 120_000,
  });
  return 'types.mts, nodenext';
});
for (const mode of ['node16', 'nodenext', 'bundler']) {
  await check(`TypeScript ${tscVersion}, ${mode}`, async () => {
    await installs.get('typescript');
    await run(process.execPath, [tsc, '-p', `tsconfig.${mode}.json`], {
      cwd: typesDir,
      timeout: 120_000,
    });
    return mode === 'nodenext' ? 'index.ts (ESM) and require.cts (CommonJS)' : 'index.ts';
  });
}

await check(
  `TypeScript ${tscVersion}, @portcullis/* declarations with skipLibCheck off`,
  async () => {
    await installs.get('typescript');
    const output = await run(process.execPath, [tsc, '-p', 'tsconfig.declarations.json'], {
      cwd: typesDir,
      timeout: 120_000,
    }).catch((error) => error.message);
    const errors = output.split('\n').filter((line) => /^\S.*\(\d+,\d+\): error /.test(line));
    const ours = errors.filter(
      (line) => !line.startsWith('node_modules/') || line.startsWith('node_modules/@portcullis/'),
    );
    assert(ours);
    return errors.length > ours.length
      ? `ignored ${errors.length - ours.length} errors in other packages' declarations`
      : '';
  },
);

// ---------------------------------------------------------------------------------------------

clearTimeout(deadline);
summary();
