// What the numbers were measured on: the machine, Node, and every package in the comparison.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The version of an installed package (read from its package.json, exports or not). */
export function versionOf(name, from = import.meta.url) {
  try {
    const local = createRequire(from);
    let dir = dirname(local.resolve(name));
    for (let i = 0; i < 6; i++) {
      try {
        const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
        if (pkg.name === name) return pkg.version;
      } catch {}
      dir = dirname(dir);
    }
  } catch {}
  // Not resolvable (say, exports point at an unbuilt dist): read node_modules directly.
  let dir = dirname(new URL(from).pathname);
  for (let i = 0; i < 6; i++) {
    try {
      return JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8'))
        .version;
    } catch {}
    dir = dirname(dir);
  }
  return '?';
}

/** jsonwebtoken, the verifier inside express-jwt and koa-jwt. */
function nestedVersion(parent, name) {
  try {
    return versionOf(name, `file://${require.resolve(parent)}`);
  } catch {
    return '?';
  }
}

/** Lines describing the machine and the versions, for the top of every report. */
export function describe() {
  const cpus = os.cpus();
  const peers = [
    'express-jwt',
    'express-oauth2-jwt-bearer',
    'koa-jwt',
    '@fastify/jwt',
    'hono',
    'fast-jwt',
    'jose',
    'express',
    'koa',
    'fastify',
    '@hono/node-server',
    'autocannon',
    'mitata',
    'redis',
  ];
  const ours = [
    '@portcullis/core',
    '@portcullis/express',
    '@portcullis/koa',
    '@portcullis/hono',
    '@portcullis/fastify',
    '@portcullis/fetch',
    '@portcullis/redis',
  ];
  return {
    cpu: cpus[0]?.model.trim() ?? '?',
    cores: cpus.length,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    openssl: process.versions.openssl,
    versions: Object.fromEntries([
      ...ours.map((n) => [n, versionOf(n)]),
      ...peers.map((n) => [n, versionOf(n)]),
      ['jsonwebtoken (in express-jwt, koa-jwt)', nestedVersion('express-jwt', 'jsonwebtoken')],
    ]),
  };
}

/** The description as printable lines. */
export function describeLines() {
  const d = describe();
  const versions = Object.entries(d.versions)
    .map(([n, v]) => `${n} ${v}`)
    .join(', ');
  return [
    `machine: ${d.cpu}, ${d.cores} cores, ${d.memory} RAM, ${d.os}`,
    `node ${d.node} (OpenSSL ${d.openssl})`,
    `packages: ${versions}`,
  ];
}
