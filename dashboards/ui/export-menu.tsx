/**
 * Download links for the formats the user may export, as a disclosure (works without script,
 * with keyboard and screen readers). The links carry the page's filters.
 */
import { t, type Lang, type TextKey } from '../i18n';

const LABELS: Record<string, TextKey> = { csv: 'csvPlain', 'csv-de': 'csvExcel', xlsx: 'xlsx', pdf: 'pdf', parquet: 'parquet' };

export function ExportMenu({ lang, base, formats, label }: { lang: Lang; base: string; formats: readonly string[]; label: string }) {
  if (!formats.length) return null;
  const sep = base.includes('?') ? '&' : '?';
  return (
    <details className="export-menu">
      <summary>{label}</summary>
      <ul>
        {formats.map((f) => (
          <li key={f}>
            <a href={`${base}${sep}format=${f}`} download data-format={f}>
              {t(lang, LABELS[f] ?? 'export')}
            </a>
          </li>
        ))}
      </ul>
    </details>
  );
}
