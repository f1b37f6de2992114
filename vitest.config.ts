import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      'server-only': fileURLToPath(new URL('./test/stubs/server-only.ts', import.meta.url)),
      // the path alias of tsconfig.json (used by the routes in app/)
      '@/': fileURLToPath(new URL('./', import.meta.url)),
    },
  },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.next/**', 'data/**', 'scratch/**', 'e2e/**'],
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // two cores: PGlite and DuckDB are CPU-bound, more workers only contend
    maxWorkers: 2,
    reporters: ['default'],
    env: { FIS_LOG_LEVEL: 'warn' },
  },
});
