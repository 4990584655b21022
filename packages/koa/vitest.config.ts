import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['dev-source'] },
  ssr: { resolve: { conditions: ['dev-source'] } },
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
