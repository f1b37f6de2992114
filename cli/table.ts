/** Prints rows as an aligned text table on stdout. */
export function printTable(rows: readonly Record<string, unknown>[]): void {
  if (rows.length === 0) {
    process.stdout.write('(no rows)\n');
    return;
  }
  const cols = Object.keys(rows[0]!);
  const fmt = (v: unknown) =>
    v === null || v === undefined ? '–' : typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(1) : typeof v === 'number' && Math.abs(v) >= 10000 ? v.toLocaleString('en-US') : String(v);
  const cells = rows.map((r) => cols.map((c) => fmt(r[c])));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (vals: string[]) => vals.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  process.stdout.write(line(cols) + '\n' + line(widths.map((w) => '-'.repeat(w))) + '\n');
  for (const r of cells) process.stdout.write(line(r) + '\n');
}
