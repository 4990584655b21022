// The `jwt()` options of the second wave (DESIGN.md, "Contract, second wave") that core does not
// type yet: `discovery` and a `scopeClaim` of several dotted paths. The skipped tests are written
// against them; once core has them, call `jwt()` directly and delete this file.
import { type JwtMethod, type JwtOptions, jwt } from '@portcullis/core';

/** {@link JwtOptions} as the second wave extends them. */
export type NextJwtOptions = Omit<JwtOptions, 'scopeClaim'> & {
  discovery?: true;
  scopeClaim?: string | readonly string[];
};

/**
 * `jwt()` with second-wave options.
 *
 * @example
 * ```ts
 * jwtNext({ algorithms: ['RS256'], issuer, audience, discovery: true });
 * ```
 */
export const jwtNext = (options: NextJwtOptions): JwtMethod => jwt(options as JwtOptions);
