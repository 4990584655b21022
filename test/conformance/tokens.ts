import { BROKEN_TOKEN_KINDS, type BrokenTokenKind } from '@portcullis/testing';
import { NOW_S, RESOURCE, type World } from './world.js';

/** Every credential the scenarios send, minted fresh per run. */
export interface Credentials {
  /** API keys: see `Keys` in world.ts. */
  keys: World['keys'];
  rs256: string;
  es256: string;
  eddsa: string;
  hs256: string;
  /** An RS256 token whose `jti` is on the deny-list. */
  revoked: string;
  /** One RS256 token for each way `@portcullis/testing` breaks a token. */
  broken: Record<BrokenTokenKind, string>;
  /** An unsigned (`alg: none`) token from the HS256 issuer. */
  hs256AlgNone: string;
  /** A token of the second issuer (`ISSUER_2`), and tokens naming an issuer no method has, or
   * naming the second issuer but signed with the first issuer's key. */
  partner: string;
  unknownIssuer: string;
  crossIssuer: string;
  /** RS256 with the broad scope `billing` (for the `mcp` setup's scope hierarchy). */
  broad: string;
  /** RS256 whose `aud` is the `mcp` setup's resource itself, with `billing:write`. */
  forResource: string;
  /** RS256 delegated (RFC 8693 `act`) to `agent-support`, after `agent-prior`. */
  delegated: string;
  /** RS256 delegated to `agent-other`, after `agent-support`: only a prior actor is allowed. */
  delegatedPrior: string;
}

/**
 * Mint the run's tokens with the test issuers: one valid token per algorithm and one for each way
 * a token goes bad.
 *
 * @example
 * ```ts
 * const creds = await mintCredentials(world);
 * ```
 */
export async function mintCredentials(world: World): Promise<Credentials> {
  const { rs256, es256, eddsa, hs256, partner } = world.issuers;
  const broken = await Promise.all(
    BROKEN_TOKEN_KINDS.map(
      async (kind) => [kind, await rs256.sign({ scope: 'admin' }, { broken: kind })] as const,
    ),
  );
  await world.denyList.revoke('jti-revoked', NOW_S + 600);
  return {
    keys: world.keys,
    rs256: await rs256.sign(
      { scope: 'conversations:read billing:write' },
      { subject: 'user-rs256' },
    ),
    es256: await es256.sign({ scope: 'billing:read' }, { subject: 'user-es256' }),
    eddsa: await eddsa.sign({ scope: 'conversations:read' }, { subject: 'user-eddsa' }),
    hs256: await hs256.sign({ scope: 'billing:read' }, { subject: 'user-hs256' }),
    revoked: await rs256.sign(
      { scope: 'billing:read' },
      { subject: 'user-revoked', jti: 'jti-revoked' },
    ),
    broken: Object.fromEntries(broken) as Record<BrokenTokenKind, string>,
    hs256AlgNone: await hs256.sign({ scope: 'admin' }, { broken: 'alg-none' }),
    partner: await partner.sign({ scope: 'billing:read' }, { subject: 'partner-svc' }),
    unknownIssuer: await rs256.sign(
      { iss: 'https://unknown.conformance.test/', scope: 'billing:read' },
      { subject: 'user-rs256' },
    ),
    crossIssuer: await rs256.sign(
      { iss: partner.issuer, scope: 'billing:read' },
      { subject: 'user-rs256' },
    ),
    broad: await rs256.sign({ scope: 'billing' }, { subject: 'user-broad' }),
    forResource: await rs256.sign(
      { aud: RESOURCE, scope: 'billing:write' },
      { subject: 'user-resource' },
    ),
    delegated: await rs256.sign(
      { scope: 'billing:read', act: { sub: 'agent-support', act: { sub: 'agent-prior' } } },
      { subject: 'user-delegated' },
    ),
    delegatedPrior: await rs256.sign(
      { scope: 'billing:read', act: { sub: 'agent-other', act: { sub: 'agent-support' } } },
      { subject: 'user-delegated' },
    ),
  };
}
