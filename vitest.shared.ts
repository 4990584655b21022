// The one vitest configuration of the published packages: tests read `src/` through the
// `dev-source` condition, and `pnpm coverage` holds each package to its own thresholds.
import { defineConfig } from 'vitest/config';

/** Coverage floors, in percent. */
export interface Thresholds {
  statements: number;
  branches: number;
  functions: number;
  lines: number;
}

/**
 * A package's vitest configuration, with coverage held to `thresholds`.
 *
 * @example
 * ```ts
 * export default packageConfig({ statements: 96, branches: 94, functions: 96, lines: 98 });
 * ```
 */
export function packageConfig(thresholds: Thresholds) {
  return defineConfig({
    resolve: { conditions: ['dev-source'] },
    ssr: { resolve: { conditions: ['dev-source'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      // RSA key generation and real servers take seconds on a loaded 2-core machine.
      testTimeout: 20_000,
      coverage: {
        provider: 'v8',
        include: ['src/**/*.ts'],
        exclude: ['src/**/*.test.ts', 'src/**/*.test-d.ts', 'src/test-helpers/**'],
        reporter: ['text-summary', 'json-summary'],
        thresholds,
      },
    },
  });
}
