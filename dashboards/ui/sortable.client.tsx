'use client';
/**
 * Tables sorted by a click on a column heading (reports, rankings): a first click sorts — names
 * A–Z, numbers largest first —, a second reverses, a third goes back to the table's own order.
 * The heading is a button; aria-sort says how the column is sorted.
 */
import { useState } from 'react';
import { t, type Lang } from '../i18n';

export type Sort = { col: number; dir: 'desc' | 'asc' } | null;

/** `initial`: how the rows come (a ranking: by its leading column, descending), so its heading says so. */
export function useColumnSort(isText: (col: number) => boolean, initial: Sort = null) {
  const [sort, setSort] = useState<Sort>(initial);
  const toggle = (col: number) =>
    setSort((s) => {
      const first = isText(col) ? 'asc' : 'desc';
      if (!s || s.col !== col) return { col, dir: first };
      if (s.dir === first) return { col, dir: first === 'asc' ? 'desc' : 'asc' };
      return initial;
    });
  return { sort, toggle };
}

/** Compares two rows by the sorted column: text by German collation, numbers by value (withheld and empty cells last). */
export function compareRows<R>(sort: NonNullable<Sort>, key: (r: R) => string | number | null | undefined) {
  return (a: R, b: R) => {
    const x = key(a);
    const y = key(b);
    if (typeof x === 'string' || typeof y === 'string') {
      const c = String(x ?? '').localeCompare(String(y ?? ''), 'de');
      return sort.dir === 'asc' ? c : -c;
    }
    if (x === null || x === undefined) return y === null || y === undefined ? 0 : 1;
    if (y === null || y === undefined) return -1;
    return sort.dir === 'asc' ? x - y : y - x;
  };
}

export function SortableHeader({ lang, label, col, sort, onSort, numeric }: { lang: Lang; label: string; col: number; sort: Sort; onSort: (col: number) => void; numeric?: boolean }) {
  const dir = sort?.col === col ? sort.dir : undefined;
  return (
    <th scope="col" className={numeric ? 'num' : undefined} aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}>
      <button type="button" className="sort" onClick={() => onSort(col)} title={t(lang, 'sortHint')}>
        {label}
        <span aria-hidden="true">{dir === 'asc' ? ' ▲' : dir === 'desc' ? ' ▼' : ''}</span>
      </button>
    </th>
  );
}
