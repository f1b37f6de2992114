/**
 * The dependency rule must be able to fail: ESLint, with the project's own configuration, on a
 * product file that imports across the layers (extensionless, as this code base imports) must
 * report it. Without a TypeScript resolver import-x skipped such imports silently.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const eslint = new ESLint({ cwd: root });

async function messages(file: string, code: string) {
  const [r] = await eslint.lintText(code, { filePath: `${root}${file}` });
  return r!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('lint canary', () => {
  it('refuses an import of etl/ in platform/, with and without the .ts extension', async () => {
    for (const spec of ['../etl/run', '../etl/run.ts']) {
      const m = await messages('platform/lint-canary.ts', `import { runEtl } from '${spec}';\nexport const canary = runEtl;\n`);
      expect(m.join('; '), spec).toMatch(/import-x\/no-restricted-paths: .*platform is the bottom layer/);
    }
  });

  it('refuses the other crossings: warehouse → roles, models → semantic layer, dashboards → etl', async () => {
    expect((await messages('warehouse/lint-canary.ts', `import { accessibleBy } from '../roles/accessible-by';\nexport const c = accessibleBy;\n`)).join()).toMatch(/no-restricted-paths: .*warehouse depends only on platform/);
    expect((await messages('warehouse/models/lint-canary.ts', `import { METRICS } from '../semantic/metrics';\nexport const c = METRICS;\n`)).join()).toMatch(/no-restricted-paths: .*the models are below the semantic layer/);
    expect((await messages('dashboards/lint-canary.ts', `import { runEtl } from '../etl/run';\nexport const c = runEtl;\n`)).join()).toMatch(/no-restricted-paths: .*dashboards → warehouse \+ roles only/);
    // through the path alias too
    expect((await messages('app/lint-canary.ts', `import { runEtl } from '@/etl/run';\nexport const c = runEtl;\n`)).join()).toMatch(/no-restricted-paths: .*app routes go through/);
  });

  it('refuses an import it cannot resolve (which would escape the rule), and lets allowed ones pass', async () => {
    expect((await messages('platform/lint-canary.ts', `import { x } from '../nowhere/at-all';\nexport const c = x;\n`)).join()).toMatch(/import-x\/no-unresolved/);
    expect(await messages('dashboards/lint-canary.ts', `import { runQuery } from '../warehouse/semantic/query';\nexport const c = runQuery;\n`)).toEqual([]);
  });

  it('refuses a cache in a module variable of code the web app loads, and lets a process-wide one pass', async () => {
    for (const code of ['const cache = new Map<string, number>();\nexport const c = cache;\n', 'export const seen = new Set<string>();\n', 'const scopes = new WeakMap<object, number>();\nexport const c = scopes;\n']) {
      expect((await messages('dashboards/server/lint-canary.ts', code)).join(), code).toMatch(/no-restricted-syntax: An empty Map\/Set at the top level/);
    }
    expect(await messages('warehouse/lint-canary.ts', `import { processWide } from '../platform/process-wide';\nconst cache = processWide('canary', () => new Map<string, number>());\nexport const c = cache;\n`)).toEqual([]);
    // a constant lookup table built from its entries is not state
    expect(await messages('warehouse/lint-canary.ts', `const byName = new Map([['a', 1]]);\nexport const c = byName;\n`)).toEqual([]);
  });
});
