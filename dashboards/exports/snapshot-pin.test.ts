/**
 * One snapshot per request: a report (and a dashboard panel) built while a run publishes a new
 * snapshot shows one snapshot only — its rows, its totals and its Datenstand from the same one.
 * The publication is forced between two questions of the same report.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEtl } from '../../etl/run';
import { simulateFixtures } from '../../fixtures/simulate';
import { operatorPrincipal } from '../../roles/access';
import { openAppDb, type AppDbHandle } from '../../roles/app-db';
import { etlOpts } from '../../test/etl-helpers';
import { generateTiny, pgliteTargets, tempDir } from '../../test/helpers';
import type { Duck } from '../../warehouse/duckdb';
import { SnapshotReader, currentPointer, readCurrent, type SnapshotInfo } from '../../warehouse/snapshots';
import { buildReport, type ReportTable } from '../reports/build';
import { reportDef } from '../reports/defs';
import { exportReport } from './service';

const t = tempDir();
let app: AppDbHandle;
let A: SnapshotInfo;
let B: SnapshotInfo;
const principal = operatorPrincipal('cli:test', 5);

/** Points CURRENT at a snapshot, as a publication does. */
const publish = (s: SnapshotInfo) => {
  const { file: _file, ...pointer } = s;
  writeFileSync(currentPointer(t.dir), JSON.stringify({ ...pointer, publishedAt: new Date().toISOString() }));
};

/** A reader during whose first answer a run publishes `next`. */
class PublishingMeanwhile extends SnapshotReader {
  private answered = 0;
  constructor(private readonly next: SnapshotInfo) {
    super(t.dir);
  }
  override async useSnapshot<T>(info: SnapshotInfo, fn: (duck: Duck, info: SnapshotInfo) => Promise<T>): Promise<T> {
    const r = await super.useSnapshot(info, fn);
    if (++this.answered === 1) publish(this.next);
    return r;
  }
}

const cells = (table: ReportTable) => JSON.stringify(table.rows.map((r) => [r.kind, r.codes, r.values]));
const f = { from: '2025-01-01', to: '2026-12-31', values: {} };

beforeAll(async () => {
  const targets = pgliteTargets(t.dir);
  await generateTiny(targets, 71);
  await runEtl({ ...etlOpts(t.dir, targets, true), snapshotsKeep: 5 });
  A = readCurrent(t.dir)!;
  await simulateFixtures({ days: 60, seed: 3, targets });
  await runEtl({ ...etlOpts(t.dir, targets, false), snapshotsKeep: 5 });
  B = readCurrent(t.dir)!;
  expect(B.id).not.toBe(A.id);
  app = await openAppDb({ dataDir: t.dir });
});
afterAll(async () => {
  await app?.close();
  t.cleanup();
});

describe('one snapshot per request', () => {
  it('builds a report from one snapshot while another is published meanwhile', async () => {
    const def = reportDef('asylum-monthly')!;
    publish(A);
    const onA = await buildReport(new SnapshotReader(t.dir), def, f, principal.access, 'de');
    publish(B);
    const onB = await buildReport(new SnapshotReader(t.dir), def, f, principal.access, 'de');
    expect(cells(onB)).not.toBe(cells(onA));

    // unpinned, what is asked after the publication reads the new snapshot: the Datenstand of one
    // and the rows of the other (as the export did before it pinned its snapshot)
    publish(A);
    const unpinned = new PublishingMeanwhile(B);
    const asOf = await unpinned.use(async (_duck, info) => info);
    const mixed = await buildReport(unpinned, def, f, principal.access, 'de');
    expect(asOf.id).toBe(A.id);
    expect(mixed.snapshot).toBe(B.id);

    // pinned, every answer and the Datenstand come from A
    publish(A);
    const reader = new PublishingMeanwhile(B);
    const pinned = await reader.pin();
    const table = await buildReport(pinned, def, f, principal.access, 'de');
    expect(readCurrent(t.dir)!.id).toBe(B.id);
    expect(table.snapshot).toBe(A.id);
    expect(table.dataAsOf).toBe(A.dataAsOf);
    expect(cells(table)).toBe(cells(onA));
  });

  it('exports a report from one snapshot while another is published meanwhile', async () => {
    publish(A);
    const expected = await exportReport({ reader: new SnapshotReader(t.dir), db: app.db, principal, lang: 'de', via: 'test', tmpDir: `${t.dir}/tmp` }, 'office-performance', 'csv', { from: '2025-01-01' });
    publish(A);
    const file = await exportReport({ reader: new PublishingMeanwhile(B), db: app.db, principal, lang: 'de', via: 'test', tmpDir: `${t.dir}/tmp` }, 'office-performance', 'csv', { from: '2025-01-01' });
    expect(readCurrent(t.dir)!.id).toBe(B.id);
    expect(file.filename).toBe(expected.filename);
    expect(String(file.body)).toBe(String(expected.body));
  });
});
