/**
 * The cell-key method is consistent: the same cell asked through a dashboard panel, a report, its
 * CSV export and GET /api/query gives the same perturbed value; after an incremental run, the cells
 * whose rows did not change keep their value; and no surface hands a restricted user the true count.
 */
import type { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_DEFS } from '../dashboards/defs';
import { exportReport } from '../dashboards/exports/service';
import { buildReport, reportFilters } from '../dashboards/reports/build';
import { reportDef } from '../dashboards/reports/defs';
import { panelData, parseFilters } from '../dashboards/server/panels';
import { runEtl } from '../etl/run';
import { simulateFixtures } from '../fixtures/simulate';
import { login, req } from '../test/api-helpers';
import { etlOpts } from '../test/etl-helpers';
import { generateTiny, pgliteTargets, tempDir } from '../test/helpers';
import { runQuery } from '../warehouse/semantic/query';
import type { MetricQuery } from '../warehouse/semantic/types';
import { SnapshotReader } from '../warehouse/snapshots';
import { principalByName, type Principal } from './access';
import { openAppDb } from './app-db';
import { installDemo } from './store';

const t = tempDir();
process.env.FIS_DATA_DIR = t.dir;
const targets = pgliteTargets(t.dir);
let analyst: Principal;
let leitung: Principal;
const PERIOD = { from: '2025-01-01', to: '2025-12-31' };

beforeAll(async () => {
  await generateTiny(targets, 19);
  await runEtl(etlOpts(t.dir, targets, true));
  // the route handlers below host the app-state database in this process: this handle closes first
  const app = await openAppDb({ dataDir: t.dir });
  await installDemo(app.db, 'demo-password-1');
  analyst = await principalByName(app.db, 'analyst', 5);
  leitung = await principalByName(app.db, 'leitung', 5);
  await app.close();
});
afterAll(() => t.cleanup());

const byOffice = (rows: Array<Array<string | number | null>>) => new Map(rows.map((r) => [String(r[0]), Number(r[1])]));

describe('the cell-key method, consistent on every surface', () => {
  it('gives a cell the same perturbed value through a panel, a report, its CSV and the API — and differs from the truth somewhere', async () => {
    const reader = new SnapshotReader(t.dir);
    const pinned = await reader.pin();
    const q: MetricQuery = { metrics: ['decisions'], by: ['office'], filters: {}, ...PERIOD };
    const answer = byOffice((await runQuery(pinned, q, analyst.access)).rows);
    const truth = byOffice((await runQuery(pinned, q, leitung.access)).rows);
    expect([...answer].some(([k, v]) => truth.get(k) !== v)).toBe(true);

    // the dashboard's league table of offices
    const def = DASHBOARD_DEFS.find((d) => d.slug === 'offices')!;
    const panel = await panelData(pinned, def.panels.find((p) => p.id === 'league')!, parseFilters(PERIOD, def, pinned.info().dataAsOf), analyst, 'de');
    expect(panel.status).toBe('ok');
    if (panel.status !== 'ok' || panel.kind !== 'chart') throw new Error('league table expected');
    const series = panel.chart.series.find((s) => s.name === 'Entscheidungen')!;
    panel.chart.categories.forEach((c, i) => expect(series.data[i], `panel ${c.code}`).toBe(answer.get(c.code) ?? 0));

    // the report and its CSV
    const rdef = reportDef('office-performance')!;
    const table = await buildReport(pinned, rdef, reportFilters(rdef, { ...PERIOD, values: {} }, pinned.info().dataAsOf), analyst.access, 'de');
    const decided = rdef.columns.findIndex((c) => c.id === 'decided');
    for (const row of table.rows.filter((r) => r.kind === 'row')) expect(row.values[decided], `report ${row.codes[0]}`).toBe(answer.get(row.codes[0]!) ?? 0);
    const { appDb } = await import('../dashboards/server/services');
    const csv = await exportReport({ reader: pinned, db: await appDb(), principal: analyst, lang: 'de', via: 'test', tmpDir: `${t.dir}/tmp` }, 'office-performance', 'csv', { ...PERIOD });
    const split = (line: string) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].map((m) => m[1]!.replace(/^"|"$/g, '').replace(/""/g, '"')).slice(0, -1);
    const lines = String(csv.body).trim().split(/\r?\n/).map(split);
    const col = lines[0]!.indexOf('decided');
    expect(col).toBeGreaterThan(0);
    for (const cellsOf of lines.slice(1).filter((l) => l[0] === 'row')) expect(Number(cellsOf[col]), `csv ${cellsOf[1]}`).toBe(answer.get(cellsOf[1]!) ?? 0);

    // GET /api/query, as the analyst logged in
    const a = await login('analyst', 'demo-password-1');
    const route = ((await import('../app/api/query/route')) as unknown as { GET: (r: NextRequest) => Promise<Response> }).GET;
    const api = (await (await route(req(`/api/query?metric=decisions&by=office&from=${PERIOD.from}&to=${PERIOD.to}`, { cookie: a.cookie }))).json()) as { rows: Array<[string, number]>; disclosure: { method: string } };
    expect(api.disclosure.method).toBe('cell-key');
    expect(byOffice(api.rows)).toEqual(answer);
    for (const fmt of ['csv', 'parquet'] as const) {
      const r = await route(req(`/api/query?metric=decisions&by=office&from=${PERIOD.from}&to=${PERIOD.to}&format=${fmt}`, { cookie: a.cookie }));
      expect(r.status, fmt).toBe(200);
      if (fmt === 'csv') expect(byOffice((await r.text()).trim().split('\n').slice(1).map((l) => l.split(',')))).toEqual(answer);
    }
    reader.close();
  });

  it('keeps the value of every cell whose rows did not change across an incremental run', async () => {
    const q: MetricQuery = { metrics: ['decisions', 'applications'], by: ['office', 'month'], filters: {}, from: '2025-01-01', to: '2025-12-31' };
    /** the perturbed cells, and the rows behind each (read with plain SQL from the snapshot) */
    const look = async () => {
      const reader = new SnapshotReader(t.dir);
      try {
        const answer = new Map((await runQuery(reader, q, analyst.access)).rows.map((r) => [JSON.stringify(r.slice(0, 2)), r.slice(2)]));
        const rows = await reader.use((duck) =>
          duck.all<{ k: string; ids: string }>(`
            SELECT k, string_agg(id, ',' ORDER BY id) AS ids FROM (
              SELECT json_array(office_code, strftime(decided_on, '%Y-%m')) AS k, 'd' || decision_id AS id FROM fact_decision WHERE year(decided_on) = 2025
              UNION ALL SELECT json_array(office_code, strftime(received_on, '%Y-%m')), 'a' || application_id FROM fact_application WHERE year(received_on) = 2025)
            GROUP BY k`),
        );
        return { answer, rows: new Map(rows.map((r) => [JSON.stringify(JSON.parse(r.k)), r.ids])) };
      } finally {
        reader.close();
      }
    };
    const before = await look();
    await simulateFixtures({ days: 30, seed: 4, targets });
    const run = await runEtl(etlOpts(t.dir, targets, false));
    expect(run.transform?.kind).toBe('incremental');
    const after = await look();
    let kept = 0;
    let moved = 0;
    for (const [k, ids] of after.rows) {
      if (before.rows.get(k) !== ids) {
        moved++;
        continue;
      }
      expect(after.answer.get(k), k).toEqual(before.answer.get(k));
      kept++;
    }
    expect(kept).toBeGreaterThan(100);
    expect(moved).toBeGreaterThan(0);
  });
});
