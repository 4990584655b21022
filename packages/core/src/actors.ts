// Which actors a rule allows, for `jwt({ actors })` and every adapter's `requireActor()`: a list of
// subjects of the token's own issuer, or a function. One module, so both answer alike.
import type { Actor } from './types.js';

/**
 * The actors `jwt({ actors })` and `requireActor()` allow: subjects (`act.sub`) of the token's own
 * issuer, or a function that must return `true` for an allowed actor.
 *
 * @example
 * ```ts
 * const rule: ActorRule = ['agent:support-bot', 'agent:billing-bot'];
 * const other: ActorRule = (actor) => actor.issuer === 'https://agents.example.com/';
 * ```
 */
export type ActorRule = readonly string[] | ((actor: Actor) => boolean);

/**
 * The check of an {@link ActorRule}, given the current actor and the token's `iss`.
 *
 * @example
 * ```ts
 * const allows = actorRule(['agent:a'], 'requireActor()');
 * allows({ subject: 'agent:a' }, 'https://id.example.com/'); // true
 * ```
 */
export type ActorCheck = (actor: Actor, tokenIssuer: unknown) => boolean;

/**
 * Compile an {@link ActorRule} once, at construction: a list must hold non-empty strings and at
 * least one (`TypeError`, prefixed by `where`). A subject in the list matches an actor with no
 * `iss` of its own, or whose `iss` is the token's: a subject is unique only within its issuer, so
 * `agent-a` of another issuer is another actor (allow it with a function). A function's answer
 * allows only when it is `true`; an answer that is not a boolean (a promise from an `async`
 * function, say) is a programming error, thrown as a `TypeError` on the request (a 500), never a
 * pass.
 *
 * @example
 * ```ts
 * const allows = actorRule(options.actors, 'jwt(): `actors`');
 * if (!allows(actor, payload.iss)) throw refusal;
 * ```
 */
export function actorRule(rule: ActorRule, where: string): ActorCheck {
  if (typeof rule === 'function') {
    return (actor) => {
      const answer: unknown = rule(copyOf(actor));
      if (typeof answer !== 'boolean') {
        throw new TypeError(
          `${where}: the function must return true or false, not ${describe(answer)}`,
        );
      }
      return answer;
    };
  }
  if (
    !Array.isArray(rule) ||
    rule.length === 0 ||
    !rule.every((s) => typeof s === 'string' && s !== '')
  ) {
    throw new TypeError(
      `${where} needs at least one actor subject (non-empty strings), or a function (actor) => boolean`,
    );
  }
  const subjects = new Set<string>(rule);
  return (actor, tokenIssuer) =>
    subjects.has(actor.subject) && (actor.issuer === undefined || actor.issuer === tokenIssuer);
}

// A function gets its own copy: it cannot change the actor a cached verification serves.
function copyOf(actor: Actor): Actor {
  return actor.issuer === undefined
    ? { subject: actor.subject }
    : { subject: actor.subject, issuer: actor.issuer };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function') {
    return 'a promise (the function must be synchronous)';
  }
  return `a ${typeof value}`;
}
