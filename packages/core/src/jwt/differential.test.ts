// Differential property test: our verifier against jose's jwtVerify on the same key, algorithms,
// issuer, audience, clock and tolerance. Whenever we accept, jose must accept. On tokens inside
// the domain where both mean to agree, jose accepting means we accept too.
//
// Deliberate differences (we are stricter; outside the two-way domain, one-way only):
// - `exp` is required and must be finite (jose: optional; 1e400 parses to Infinity, which jose
//   takes as never expiring); `sub` must be a non-empty string (jose: optional);
// - `iat` in the future beyond the tolerance is refused even without maxTokenAge;
// - `crit`, `b64`, `jwk`, `jku`, `x5u`, `x5c` headers are refused; `kid` must be a short string;
// - `jti` must be a string; `scope` must be a string; `aud` arrays must hold only strings;
// - base64url must be canonical and UTF-8 strict (jose decodes leniently);
// - times are compared to the millisecond clock, where jose floors it to the second: the clock
//   here is a whole second, where the two agree.
import type { KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  build,
  headerExtraArb,
  KEYS,
  type Mutation,
  mutationArb,
  payloadArb,
} from '../test-helpers/jwt-arbitraries.js';
import { AUDIENCE, ctx, IMPLS, ISSUER, NOW, NOW_MS } from '../test-helpers/jwt-fixtures.js';
import { createJwtVerifier } from './verifier.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 300);
const TOLERANCE = 5;

/** Inside this domain both verifiers mean the same thing, so they must agree both ways. */
function agreed(
  payload: Record<string, unknown>,
  extra: Record<string, unknown>,
  mutation: Mutation,
): boolean {
  const { exp, sub, iat, jti, scope, aud } = payload;
  return (
    mutation.kind === 'none' &&
    Object.keys(extra).every((k) => k === 'typ' || (k === 'kid' && typeof extra[k] === 'string')) &&
    typeof exp === 'number' &&
    Number.isFinite(exp) &&
    typeof sub === 'string' &&
    sub !== '' &&
    (iat === undefined || typeof iat !== 'number' || iat <= NOW + TOLERANCE) &&
    (jti === undefined || typeof jti === 'string') &&
    (scope === undefined || typeof scope === 'string') &&
    (!Array.isArray(aud) || aud.every((a) => typeof a === 'string'))
  );
}

describe.each(IMPLS)('differential against jose on $runtime crypto', (impl) => {
  const verifiers = KEYS.map((key) =>
    createJwtVerifier(
      {
        algorithms: key.algorithms,
        issuer: ISSUER,
        audience: AUDIENCE,
        ...(key.privateKey instanceof Uint8Array
          ? { secret: key.verifyKey as Uint8Array }
          : { publicKey: key.verifyKey as KeyObject }),
        clockTolerance: TOLERANCE,
      },
      impl,
    ),
  );

  it(`never accepts what jose rejects, and agrees on clean tokens (${RUNS} runs)`, async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat(KEYS.length - 1),
        fc.nat(1),
        payloadArb,
        headerExtraArb,
        mutationArb,
        async (k, which, rawPayload, extra, mutation) => {
          const key = KEYS[k]!;
          const alg = key.algorithms[which % key.algorithms.length]!;
          const payload = JSON.parse(JSON.stringify(rawPayload)) as Record<string, unknown>;
          const token = build(key, alg, payload, extra, mutation);
          const ours = await verifiers[k]!.verify(token, ctx()).then(
            () => true,
            (e: { status: number }) => {
              expect(e.status).toBe(401);
              return false;
            },
          );
          const theirs = await jwtVerify(token, key.verifyKey, {
            algorithms: key.algorithms,
            issuer: ISSUER,
            audience: AUDIENCE,
            currentDate: new Date(NOW_MS),
            clockTolerance: TOLERANCE,
          }).then(
            () => true,
            () => false,
          );
          if (ours) {
            accepted++;
            expect(theirs, 'we accepted what jose rejects').toBe(true);
          }
          if (agreed(payload, extra, mutation))
            expect(ours, 'jose accepted a clean token we refused').toBe(theirs);
        },
      ),
      { numRuns: RUNS },
    );
    // The generators must reach acceptance often enough for the property to mean something.
    expect(accepted).toBeGreaterThan(RUNS / 50);
  });
});
