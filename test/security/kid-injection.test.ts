// `kid` injection: path traversal, SQL, shell metacharacters, empty, very long, and names of
// Object.prototype members. No key matches; nothing touches a file or a process; and a flood of
// unknown kids against a remote JWKS costs at most one refetch per cooldown.
import { randomUUID } from 'node:crypto';
import { AuthErrorCodes as C, jwt } from '@portcullis/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADAPTERS } from './support/apps.js';
import { useLeakCheck } from './support/collector.js';
import { expectAccepted, expectRejected, scenario } from './support/harness.js';
import { type JwksServer, startJwksServer } from './support/jwks-server.js';
import { forge, rsa } from './support/jws.js';
import { AUDIENCE, claims, ISSUER, type KeyPair, keyPair } from './support/keys.js';

// Every call core makes into the file system or child processes is counted: a kid is a name,
// never a path or a command. (Core's modules import through vitest, so these mocks see them.)
const touched = vi.hoisted(() => ({ calls: [] as string[] }));
function spyAll(name: string, original: Record<string, unknown>) {
  const wrapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(original)) {
    wrapped[key] =
      typeof value === 'function'
        ? (...args: unknown[]) => {
            touched.calls.push(`${name}.${key}`);
            return (value as (...a: unknown[]) => unknown)(...args);
          }
        : value;
  }
  return { ...wrapped, default: wrapped };
}
vi.mock('node:fs', async (load) => spyAll('fs', (await load()) as Record<string, unknown>));
vi.mock('node:fs/promises', async (load) =>
  spyAll('fs/promises', (await load()) as Record<string, unknown>),
);
vi.mock('node:child_process', async (load) =>
  spyAll('child_process', (await load()) as Record<string, unknown>),
);

useLeakCheck();

let good: KeyPair;
let evil: KeyPair;
let server: JwksServer;
beforeAll(async () => {
  [good, evil] = await Promise.all([keyPair('RS256'), keyPair('RS256')]);
  server = await startJwksServer([good.jwk]);
});
afterAll(() => server.close());

const INJECTIONS: [string, unknown][] = [
  ['path traversal', '../../dev/null'],
  ['absolute path', '/dev/null'],
  ['deep traversal', '../../../../../../etc/passwd'],
  ['encoded traversal', '..%2f..%2fdev%2fnull'],
  ['SQL', "' OR '1'='1"],
  ['SQL stacked', "x'; DROP TABLE keys; --"],
  ['shell substitution', '$(touch /tmp/portcullis-pwned)'],
  ['shell backticks', '`id`'],
  ['shell pipe', 'k | cat /etc/passwd'],
  ['empty', ''],
  ['whitespace', ' '],
  ['NUL', 'kid\u0000'],
  ['very long', 'k'.repeat(4096)],
  ['__proto__', '__proto__'],
  ['constructor', 'constructor'],
  ['toString', 'toString'],
  ['hasOwnProperty', 'hasOwnProperty'],
  ['the real kid with a suffix', null], // filled in below: good.kid + ' '
  ['the real kid upper-cased', null],
];

function kidsNow(): [string, unknown][] {
  return INJECTIONS.map(([name, kid]) => {
    if (name === 'the real kid with a suffix') return [name, `${good.kid} `];
    if (name === 'the real kid upper-cased') return [name, good.kid.toUpperCase()];
    return [name, kid];
  });
}

const NO_KEY = [C.JWT_NO_MATCHING_KEY, C.JWT_SIGNATURE_INVALID, C.JWT_MALFORMED];

describe.each(ADAPTERS)('%s: kid injection', (adapter) => {
  for (const source of ['local', 'remote'] as const) {
    it(`refuses every injected kid (${source} JWKS) and touches no file or process`, async () => {
      const jwks = source === 'local' ? { keys: [good.jwk] } : server.url;
      const app = await scenario(adapter, {
        methods: [jwt({ algorithms: ['RS256'], issuer: ISSUER, audience: AUDIENCE, jwks })],
      });
      const honest = forge({
        header: { alg: 'RS256', kid: good.kid },
        payload: claims(),
        signer: rsa(good.privateKey),
      });
      expectAccepted(await app.bearer(honest));
      touched.calls.length = 0;
      for (const [name, kid] of kidsNow()) {
        for (const key of [evil, good]) {
          const token = forge({
            header: { alg: 'RS256', kid },
            payload: claims(),
            signer: rsa(key.privateKey),
          });
          const answer = await app.bearer(token);
          expectRejected(answer, 401, NO_KEY);
          expect(answer.status, name).toBe(401);
        }
      }
      expect(touched.calls).toEqual([]);
    });
  }

  it('never verifies an attacker-signed token whatever the kid type', async () => {
    const app = await scenario(adapter, {
      methods: [
        jwt({
          algorithms: ['RS256'],
          issuer: ISSUER,
          audience: AUDIENCE,
          jwks: { keys: [good.jwk] },
        }),
      ],
    });
    for (const kid of [7, null, true, [good.kid], { kid: good.kid }]) {
      const attack = forge({
        header: { alg: 'RS256', kid },
        payload: claims(),
        signer: rsa(evil.privateKey),
      });
      expectRejected(await app.bearer(attack), 401);
      // Signed by the real key with a kid that is not a string: never a crash.
      const odd = await app.bearer(
        forge({ header: { alg: 'RS256', kid }, payload: claims(), signer: rsa(good.privateKey) }),
      );
      expect([200, 401]).toContain(odd.status);
    }
  });

  it('a flood of unknown kids causes at most one JWKS refetch per cooldown', async () => {
    const flood = await startJwksServer([good.jwk]);
    try {
      const app = await scenario(adapter, {
        methods: [
          jwt({
            algorithms: ['RS256'],
            issuer: ISSUER,
            audience: AUDIENCE,
            jwks: flood.url,
            jwksOptions: { cooldown: 60_000 },
          }),
        ],
      });
      const honest = forge({
        header: { alg: 'RS256', kid: good.kid },
        payload: claims(),
        signer: rsa(good.privateKey),
      });
      expectAccepted(await app.bearer(honest));
      expect(flood.hits).toBe(1);
      const unknown = () =>
        forge({
          header: { alg: 'RS256', kid: `unknown-${randomUUID()}` },
          payload: claims(),
          signer: rsa(evil.privateKey),
        });
      for (let i = 0; i < 50; i++) expectRejected(await app.bearer(unknown()), 401, NO_KEY);
      const burst = await Promise.all(Array.from({ length: 100 }, () => app.bearer(unknown())));
      for (const answer of burst) expectRejected(answer, 401, NO_KEY);
      expect(flood.hits).toBeLessThanOrEqual(2);
      // The known key still works throughout.
      expectAccepted(await app.bearer(honest));
    } finally {
      await flood.close();
    }
  });
});
