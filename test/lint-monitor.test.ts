/**
 * The one stated exception of the layering rule (eslint.config.js, architecture §1): the pipeline
 * monitor reads the ETL's run records through etl/history.ts and etl/status.ts — and nothing else of
 * etl/, no other file of dashboards/ imports them, and those two modules stay free of the ETL's
 * machinery.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const eslint = new ESLint({ cwd: root });

async function messages(file: string, code: string) {
  const [r] = await eslint.lintText(code, { filePath: `${root}${file}` });
  return r!.messages.map((m) => `${m.ruleId}: ${m.message}`).join('; ');
}

describe('the pipeline monitor exception', () => {
  it('lets the monitor read the run history and the status', async () => {
    const code = `import { listRuns } from '../../etl/history';\nimport { etlStatus } from '../../etl/status';\nexport const c = [listRuns, etlStatus];\n`;
    expect(await messages('dashboards/server/admin.ts', code)).toBe('');
    expect(await messages('dashboards/ui/admin-views.tsx', `import type { EtlStatus } from '../../etl/status';\nexport type C = EtlStatus;\n`)).toBe('');
  });

  it('refuses the rest of etl/ to the monitor, and etl/ to the rest of dashboards/', async () => {
    expect(await messages('dashboards/server/admin.ts', `import { runEtl } from '../../etl/run';\nexport const c = runEtl;\n`)).toMatch(/no-restricted-paths: .*dashboards → warehouse \+ roles only/);
    expect(await messages('dashboards/server/panels.ts', `import { listRuns } from '../../etl/history';\nexport const c = listRuns;\n`)).toMatch(/no-restricted-paths: .*dashboards → warehouse \+ roles only/);
  });

  it('keeps the read-only modules free of the ETL', async () => {
    expect(await messages('etl/history.ts', `import { runEtl } from './run';\nexport const c = runEtl;\n`)).toMatch(/no-restricted-paths: .*import nothing else of etl/);
    expect(await messages('etl/status.ts', `import { listRuns } from './history';\nexport const c = listRuns;\n`)).toBe('');
  });
});
