import { defineConfig } from 'vitest/config';

// Cross-package suites read each package's src through the `dev-source` export condition, so
// they run without a build; the examples and the benchmark (bench/) run the built `dist/`.
export default defineConfig({
  resolve: { conditions: ['dev-source'] },
  ssr: { resolve: { conditions: ['dev-source'] } },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 20_000,
  },
});
