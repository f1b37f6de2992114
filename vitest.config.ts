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
    // one record-key secret for every test: comparisons of two data directories (a patched snapshot
    // against a fresh full load) need the same keys; warehouse/record-keys.test.ts covers the per-installation secret
    env: { FIS_LOG_LEVEL: 'warn', FIS_RECORD_KEY_SECRET: 'fis-tests-record-key-secret-0123456789abcdef' },
  },
});
