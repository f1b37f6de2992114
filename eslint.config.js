// ESLint: TypeScript rules plus the dependency direction of the architecture (docs/architecture.md),
// enforced, not hoped for:
//   app → dashboards → warehouse + roles;  etl → warehouse;  fixtures stands alone;
//   platform (config, logger, database access) is below everything; nothing imports app.
// One stated exception: the pipeline monitor reads the ETL's run records (MONITOR below).
// Imports are resolved with the TypeScript resolver: without it, import-x cannot resolve the
// extensionless `.ts` imports of this code base and silently skips them (the rule never fired).
// lint-canary.test.ts proves on every run that a forbidden import fails.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const zone = (target, from, message, except) => ({ target, from, message, except });
const layers = [
  zone('./platform', ['./app', './dashboards', './warehouse', './roles', './etl', './fixtures', './cli'], 'platform is the bottom layer: it imports no other project folder.'),
  zone('./fixtures', ['./app', './dashboards', './warehouse', './roles', './etl', './cli'], 'fixtures stands alone (it plays the operational systems).'),
  zone('./warehouse', ['./app', './dashboards', './roles', './etl', './fixtures', './cli'], 'warehouse depends only on platform.'),
  zone('./warehouse/models', ['./warehouse/semantic'], 'the models are below the semantic layer: the semantic layer reads them, not the other way round.'),
  zone('./roles', ['./app', './dashboards', './etl', './fixtures', './cli'], 'roles may use warehouse and platform only.'),
  zone('./etl', ['./app', './dashboards', './roles', './fixtures', './cli'], 'etl → warehouse only.'),
  zone('./dashboards', ['./app', './etl', './fixtures', './cli'], 'dashboards → warehouse + roles only.'),
  zone('./app', ['./etl', './fixtures', './cli'], 'app routes go through dashboards, roles and warehouse.'),
  // the ETL's read-only records stay importable by the monitor (below): they pull in nothing of the ETL's machinery
  zone(['./etl/history.ts', './etl/status.ts'], ['./etl'], 'etl/history.ts and etl/status.ts import nothing else of etl/ (the pipeline monitor reads them).', ['./history.ts', './status.ts']),
];
const restrictedPaths = (zones) => ['error', { zones: zones.flatMap((z) => z.from.map((from) => ({ target: z.target, from, message: z.message, ...(z.except ? { except: z.except } : {}) }))) }];

// Exception, stated (docs/architecture.md §1): the pipeline monitor shows the ETL's run history and
// the scheduler's state. Its server side (dashboards/server/admin.ts) and its view (the type of what
// it shows, dashboards/ui/admin-views.tsx) may import the two read-only modules of etl/ that hold
// them — etl/history.ts and etl/status.ts — and nothing else of etl/.
const MONITOR = ['dashboards/server/admin.ts', 'dashboards/ui/admin-views.tsx'];
const monitorLayers = layers.map((z) => (z.target === './dashboards' ? { ...z, from: z.from.filter((f) => f !== './etl') } : z)).concat(
  zone('./dashboards', ['./etl'], 'dashboards → warehouse + roles only (the pipeline monitor may read etl/history.ts and etl/status.ts).', ['./history.ts', './status.ts']),
);

// Configuration is read in one place.
const ENV_RULE = { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'Read configuration through platform/config.ts (the one place that reads the environment).' };
// Next.js loads a module once per route bundle: a cache in a module variable of code the web app
// loads would be cold (and filled anew, all at once) in every bundle. It is kept once per process
// instead (test/lint-canary.test.ts shows the rule firing). The ETL, the CLI and the fixtures run
// outside Next.js.
const MODULE_STATE = [
  {
    selector: ':matches(Program, ExportNamedDeclaration) > VariableDeclaration > VariableDeclarator > NewExpression[callee.name=/^(Map|Set|WeakMap|WeakSet)$/][arguments.length=0]',
    message: 'An empty Map/Set at the top level is state of this module copy (Next.js loads one per route bundle); keep it once per process with processWide (platform/process-wide.ts).',
  },
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.next/**', 'data/**', 'scratch/**', 'bench/results/**', 'test-results/**', 'next-env.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Blob: 'readonly', fetch: 'readonly', AbortController: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', structuredClone: 'readonly', performance: 'readonly', queueMicrotask: 'readonly' } },
    rules: {
      'import-x/no-restricted-paths': restrictedPaths(layers),
      // an import that cannot be resolved would also escape the rule above
      'import-x/no-unresolved': ['error', { ignore: ['^server-only$'] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', ENV_RULE, ...MODULE_STATE],
    },
  },
  {
    files: ['fixtures/**', 'etl/**', 'cli/**'],
    rules: { 'no-restricted-syntax': ['error', ENV_RULE] },
  },
  {
    files: MONITOR,
    rules: { 'import-x/no-restricted-paths': restrictedPaths(monitorLayers) },
  },
  {
    // Exemption, stated: tests, browser tests, benchmarks and scripts build the whole world they
    // check (fixtures → ETL → app), so they may import across the layers. Product code may not.
    files: ['**/*.test.ts', 'e2e/**', 'bench/**', 'test/**', 'scripts/**'],
    rules: { 'import-x/no-restricted-paths': 'off' },
  },
  {
    files: ['platform/config.ts', '**/*.test.ts', 'e2e/**', 'bench/**', 'next.config.js', 'vitest.config.ts', 'test/**', 'scripts/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
