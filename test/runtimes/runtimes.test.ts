// The runtime matrix (issue 18): the same cases (cases.js) on Node, Bun, Deno and workerd, against
// core, the Hono adapter (authenticate + requireScope, and withAuth) and @portcullis/fetch's
// withAuth, with the built `dist/` of each package. Every runtime must answer each case exactly as
// Node does, and as the expected table says. The runtimes start in parallel: the whole matrix
// takes a few seconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Expected,
  type Fixtures,
  type JwksServer,
  makeFixtures,
  REALM,
  type Result,
} from './fixtures.js';
import { RUNTIMES, type Runtime, runOn, stopAll } from './runners.js';

/** The surfaces of cases.js: a Hono app with middleware, a Hono withAuth() route, fetch withAuth(). */
const SURFACES = ['hono', 'hono-with-auth', 'fetch'];

// A runtime that hangs is killed after RUN_MS; its test fails with what it printed.
const RUN_MS = 40_000;
const TEST_MS = 50_000;

let fixtures: Fixtures;
let expected: Map<string, Expected>;
let server: JwksServer;
const answers = new Map<Runtime, Promise<Result[]>>();

beforeAll(async () => {
  ({ fixtures, expected, server } = await makeFixtures());
  const input = JSON.stringify(fixtures);
  for (const runtime of RUNTIMES) {
    const run = runOn(runtime, input, { jwksPort: server.port, timeoutMs: RUN_MS });
    run.catch(() => {}); // reported by the runtime's own test
    answers.set(runtime, run);
  }
}, TEST_MS);

afterAll(async () => {
  stopAll();
  await server?.close();
});

/** The `error` parameter of a challenge, and its `scope`. */
function parameter(challenge: string | null, name: string): string | undefined {
  return challenge?.match(new RegExp(`(?:^Bearer |, )${name}="([^"]*)"`))?.[1];
}

/** One line per case and surface that differs from the expected table, or from Node's answer. */
function differences(results: Result[], baseline: Result[] | undefined): string[] {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const r of results) {
    const where = `${r.case} [${r.surface}]`;
    seen.add(`${r.case}|${r.surface}`);
    const want = expected.get(r.case);
    if (want === undefined) {
      lines.push(`${where}: not a case of the table`);
      continue;
    }
    const got = {
      status: r.status,
      error: parameter(r.challenge, 'error'),
      scope: parameter(r.challenge, 'scope'),
      realm: parameter(r.challenge, 'realm'),
      body: r.body,
    };
    const wanted = {
      status: want.status,
      error: want.error,
      scope: want.scope,
      realm: want.status === 200 || want.status === 503 ? undefined : REALM,
      body: want.body,
    };
    if (JSON.stringify(got) !== JSON.stringify(wanted)) {
      lines.push(`${where}: got ${JSON.stringify(got)}, want ${JSON.stringify(wanted)}`);
    }
    if (r.mismatch)
      lines.push(`${where}: repeated requests differed ${JSON.stringify(r.mismatch)}`);
    const node = baseline?.find((b) => b.case === r.case && b.surface === r.surface);
    if (baseline && JSON.stringify(node) !== JSON.stringify(r)) {
      lines.push(`${where}: differs from Node: ${JSON.stringify(r)} vs ${JSON.stringify(node)}`);
    }
  }
  for (const c of fixtures.cases) {
    for (const surface of SURFACES) {
      if (!seen.has(`${c.name}|${surface}`)) lines.push(`${c.name} [${surface}]: no answer`);
    }
  }
  return lines;
}

describe('runtime matrix: core + @portcullis/hono + @portcullis/fetch', () => {
  for (const runtime of RUNTIMES) {
    it(
      `${runtime} answers every case as the table and Node do`,
      async () => {
        const results = await answers.get(runtime);
        // Node's answers, when it gave them: a Node failure is reported by Node's own test.
        const node = runtime === 'node' ? undefined : answers.get('node');
        const baseline = await node?.catch(() => undefined);
        expect(differences(results ?? [], baseline)).toEqual([]);
      },
      TEST_MS,
    );
  }

  it('every surface of every runtime fetched its keys from the local JWKS server', async () => {
    await Promise.allSettled(answers.values());
    const authenticators = RUNTIMES.length * SURFACES.length;
    expect(server.hits.get('/rs256.json')).toBeGreaterThanOrEqual(authenticators);
    expect(server.hits.get('/redirect')).toBeGreaterThanOrEqual(authenticators);
  });
});
