// The delegation of a verified token (RFC 8693 §4.1): its outermost `act` claim is the current
// actor, the principal's `actor`; nested `act` claims are prior actors, left in the claims for the
// audit trail. Every level must be an actor (an object with a non-empty string `sub`, and a
// non-empty string `iss` when it names one), the chain no deeper than `maxActorDepth`, and the
// current actor allowed by `actors` when configured. Access decisions read the current actor only.
import type { ActorCheck } from '../actors.js';
import { AuthErrorCodes } from '../error-codes.js';
import type { Actor } from '../types.js';
import { invalidClaim, jwtRejection } from './errors.js';
import { ownClaim } from './parse.js';

/**
 * What the delegation checks read of the configuration.
 *
 * @example
 * ```ts
 * const rules: ActorConfig = { maxActorDepth: 5, actors: undefined };
 * ```
 */
export interface ActorConfig {
  /** The most actors a chain may hold (`act`, `act.act`, …); 0 refuses every delegated token. */
  maxActorDepth: number;
  /** The check of `jwt({ actors })`, when configured. */
  actors: ActorCheck | undefined;
}

const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';

// One level of the chain as an actor, or a 401 ERR_JWT_CLAIM_INVALID (reason `act`).
function actorAt(level: unknown, realm: string, jti: string | undefined): Actor {
  if (typeof level !== 'object' || level === null || Array.isArray(level)) {
    throw invalidClaim('act', realm, jti);
  }
  const claims = level as Record<string, unknown>;
  const subject = ownClaim(claims, 'sub');
  const issuer = ownClaim(claims, 'iss');
  if (!isText(subject) || (issuer !== undefined && !isText(issuer))) {
    throw invalidClaim('act', realm, jti);
  }
  return Object.freeze(issuer === undefined ? { subject } : { subject, issuer });
}

/**
 * The token's current actor (frozen), or `undefined` when it has no `act`. Throws a 401: a
 * malformed `act` at any level is `ERR_JWT_CLAIM_INVALID` (reason `act`); a chain deeper than
 * `maxActorDepth` (reason `actor_depth`) or a current actor that `actors` does not allow (reason
 * `actor_not_allowed`) is `ERR_JWT_ACTOR_NOT_ALLOWED`.
 *
 * @example
 * ```ts
 * const actor = readActor(payload, config, realm, jti); // { subject: 'agent:bot' } | undefined
 * ```
 */
export function readActor(
  payload: Record<string, unknown>,
  config: ActorConfig,
  realm: string,
  jti: string | undefined,
): Actor | undefined {
  const act = ownClaim(payload, 'act');
  if (act === undefined) return undefined;
  const actor = actorAt(act, realm, jti);
  // Prior actors are only checked for form and counted; the walk stops past the limit, however
  // deep the JSON nests.
  let depth = 1;
  for (let level = ownClaim(act as Record<string, unknown>, 'act'); level !== undefined; ) {
    depth += 1;
    if (depth > config.maxActorDepth) break;
    actorAt(level, realm, jti);
    level = ownClaim(level as Record<string, unknown>, 'act');
  }
  if (depth > config.maxActorDepth) {
    throw jwtRejection(
      AuthErrorCodes.JWT_ACTOR_NOT_ALLOWED,
      'The token is delegated through too many actors',
      'actor_depth',
      realm,
      jti,
    );
  }
  if (config.actors !== undefined && !config.actors(actor, ownClaim(payload, 'iss'))) {
    throw jwtRejection(
      AuthErrorCodes.JWT_ACTOR_NOT_ALLOWED,
      'The token is delegated to an actor that is not accepted',
      'actor_not_allowed',
      realm,
      jti,
    );
  }
  return actor;
}
