// ESLint: TypeScript rules plus the dependency direction of DESIGN §1, enforced, not hoped for:
//   app → dashboards → warehouse + roles;  etl → warehouse;  fixtures stands alone;
//   platform (config, logger, database access) is below everything; nothing imports app.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const zone = (target, from, message) => ({ target, from, message });
const layers = [
  zone('./platform', ['./app', './dashboards', './warehouse', './roles', './etl', './fixtures', './cli'], 'platform is the bottom layer: it imports no other project folder.'),
  zone('./fixtures', ['./app', './dashboards', './warehouse', './roles', './etl', './cli'], 'fixtures stands alone (it plays the operational systems).'),
  zone('./warehouse', ['./app', './dashboards', './roles', './etl', './fixtures', './cli'], 'warehouse depends only on platform.'),
  zone('./roles', ['./app', './dashboards', './etl', './fixtures', './cli'], 'roles may use warehouse and platform only.'),
  zone('./etl', ['./app', './dashboards', './roles', './fixtures', './cli'], 'etl → warehouse only.'),
  zone('./dashboards', ['./app', './etl', './fixtures', './cli'], 'dashboards → warehouse + roles only.'),
  zone('./app', ['./etl', './fixtures', './cli'], 'app routes go through dashboards, roles and warehouse.'),
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.next/**', 'data/**', 'scratch/**', 'bench/results/**', 'test-results/**', 'next-env.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Blob: 'readonly', fetch: 'readonly', AbortController: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', structuredClone: 'readonly', performance: 'readonly', queueMicrotask: 'readonly' } },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: layers.flatMap((z) => z.from.map((from) => ({ target: z.target, from, message: z.message }))) }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'Read configuration through platform/config.ts (the one place that reads the environment).' },
      ],
    },
  },
  {
    files: ['platform/config.ts', '**/*.test.ts', 'e2e/**', 'bench/**', 'next.config.js', 'vitest.config.ts', 'test/**', 'scripts/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
