'use client';
/**
 * A report's table: row headings, German number formats, subtotal and total rows, withheld cells
 * as "·". A click on a column heading sorts the rows within their group (subtotals and the total
 * stay where they belong); a second click reverses, a third restores the report's order.
 */
import { useMemo, useState } from 'react';
import { formatValue, t, type Lang, type ValueFormat } from '../i18n';
import { compareRows, SortableHeader, useColumnSort, type Sort } from './sortable.client';

export interface ClientReportRow {
  kind: 'row' | 'subtotal' | 'total';
  labels: string[];
  values: Array<number | null>;
}

interface Props {
  lang: Lang;
  title: string;
  rowHeaders: string[];
  columns: Array<{ id: string; label: string; format: ValueFormat }>;
  rows: ClientReportRow[];
}

/** Rows drawn at first; long reports (providers × months) show the rest on request, the exports have all. */
const FIRST_ROWS = 1000;

function sorted(rows: ClientReportRow[], sort: Sort, dims: number): ClientReportRow[] {
  if (!sort) return rows;
  const cmp = compareRows<ClientReportRow>(sort, (r) => (sort.col < dims ? (r.labels[sort.col] ?? '') : r.values[sort.col - dims]));
  // sort inside each group: a run of rows closed by its subtotal (or by the total)
  const out: ClientReportRow[] = [];
  let group: ClientReportRow[] = [];
  for (const r of rows) {
    if (r.kind === 'row') {
      group.push(r);
      continue;
    }
    for (const x of group.sort(cmp)) out.push(x);
    out.push(r);
    group = [];
  }
  for (const x of group.sort(cmp)) out.push(x);
  return out;
}

export function ReportTableView({ lang, title, rowHeaders, columns, rows }: Props) {
  const dims = rowHeaders.length;
  const { sort, toggle } = useColumnSort((col) => col < dims);
  const [all, setAll] = useState(false);
  const ordered = useMemo(() => sorted(rows, sort, dims), [rows, sort, dims]);
  // the total stays visible when the list is cut
  const shown = all || ordered.length <= FIRST_ROWS ? ordered : [...ordered.slice(0, FIRST_ROWS), ...ordered.filter((r) => r.kind === 'total')];
  const headers = [...rowHeaders, ...columns.map((c) => c.label)];
  return (
    <div className="report-table" tabIndex={0} role="region" aria-label={title}>
      <table className="data">
        <caption className="visually-hidden">
          {title}. {sort ? t(lang, 'sortedBy', { col: headers[sort.col]! }) : t(lang, 'sortHint')}
        </caption>
        <thead>
          <tr>
            {headers.map((h, i) => (
              <SortableHeader key={i} lang={lang} label={h} col={i} sort={sort} onSort={toggle} numeric={i >= dims} />
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((r, i) => (
            <tr key={i} className={r.kind === 'row' ? undefined : r.kind} data-kind={r.kind}>
              {r.labels.map((l, j) => (j === 0 ? <th key={j} scope="row">{l}</th> : <td key={j}>{l}</td>))}
              {r.values.map((v, j) => (
                <td key={`v${j}`} className="num">
                  {formatValue(v, columns[j]!.format, lang, { exact: true })}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {shown.length < ordered.length ? (
        <p>
          <button type="button" className="button-secondary" onClick={() => setAll(true)}>
            {t(lang, 'showAllRows', { n: ordered.length.toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB') })}
          </button>
        </p>
      ) : null}
    </div>
  );
}
