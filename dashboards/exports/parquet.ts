/**
 * A report table as Parquet, for analysts: one row per table row (level, per row dimension its
 * code and label, then the columns under their ids), counts as BIGINT, rates and amounts as
 * DOUBLE, withheld cells NULL; title, filters and Datenstand in the footer's key–value metadata.
 */
import { writeRowsParquet, type RowsColumn } from '../../warehouse/export';
import type { ExportDoc } from './doc';

export async function reportParquet(doc: ExportDoc, file: string): Promise<number> {
  const { table } = doc;
  const columns: RowsColumn[] = [
    { name: 'level', type: 'VARCHAR' },
    ...table.rowDims.flatMap((d): RowsColumn[] => [
      { name: d, type: 'VARCHAR' },
      { name: `${d}_label`, type: 'VARCHAR' },
    ]),
    ...table.columns.map((c): RowsColumn => ({ name: c.id, type: c.format === 'count' ? 'BIGINT' : 'DOUBLE' })),
  ];
  const rows = table.rows.map((r) => [r.kind, ...table.rowDims.flatMap((_, i) => [r.codes[i] ?? null, r.labels[i] || null]), ...r.values]);
  return writeRowsParquet(columns, rows, file, {
    title: table.title,
    filters: table.filterSummary,
    data_as_of: table.dataAsOf ?? '',
    snapshot: table.snapshot,
    created_by: doc.createdBy,
    created_at: doc.createdAt,
  });
}
