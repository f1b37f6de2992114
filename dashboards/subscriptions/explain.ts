/**
 * Stored reasons and inbox messages in words, in the reader's language: the title of what a
 * subscription delivers, the label of a metric, the formats and the alert's figure are filled in
 * when shown (they are stored as ids and numbers, never as text of one language).
 */
import { dimension } from '../../warehouse/semantic/dimensions';
import { metric } from '../../warehouse/semantic/metrics';
import { formatDate, formatValue, type Lang } from '../i18n';
import { say, ts, type Message } from '../i18n-subscriptions';
import { targetTitle, type SubscriptionDefinition } from './definition';

const FORMAT_NAMES: Record<string, string> = { pdf: 'PDF', xlsx: 'XLSX', 'csv-de': 'CSV', csv: 'CSV', parquet: 'Parquet' };
export const formatName = (f: string | null | undefined) => (f ? (FORMAT_NAMES[f] ?? f) : '');

type Context = Pick<SubscriptionDefinition, 'target_kind' | 'target' | 'kind' | 'alert'>;

/** A reason or message with the subscription's title, metric label and format filled in. */
export function explain(lang: Lang, m: Message | null | undefined, sub?: Context | null): string {
  if (!m) return '';
  const vars: Record<string, string | number> = { ...(sub ? { title: targetTitle(sub, lang) } : {}), ...m.vars };
  if (typeof vars.format === 'string') vars.format = formatName(vars.format);
  if (typeof vars.metric === 'string') vars.metric = metric(vars.metric)?.label[lang] ?? vars.metric;
  if (typeof vars.at === 'string' && /^\d{4}-/.test(vars.at)) vars.at = formatDate(vars.at, lang);
  if (m.key === 'item_alert' || m.key === 'item_alert_vs') return alertText(lang, m);
  if (m.reason) vars.reason = explain(lang, m.reason, sub);
  return say(lang, { key: m.key, vars });
}

/** An alert's message: "Anhängige Verfahren (Außenstelle MUC): 2.612 (…); Schwelle > 2.500." */
export function alertText(lang: Lang, m: Message): string {
  const v = m.vars ?? {};
  const def = metric(String(v.metric));
  const vs = m.key === 'item_alert_vs';
  const fmt = (x: unknown) => (typeof x === 'number' ? (vs ? `${formatValue(x, 'percent', lang)}` : formatValue(x, def?.format ?? 'count', lang)) : '·');
  const scope = String(v.scope ?? '')
    .split(';')
    .filter(Boolean)
    .map((part) => {
      const [k, codes] = part.split('=');
      return `${dimension(k!)?.label[lang] ?? k} ${codes!.split('|').join(', ')}`;
    })
    .join(', ');
  return ts(lang, m.key, {
    metric: def?.label[lang] ?? String(v.metric),
    scope: scope ? ` (${scope})` : '',
    value: fmt(v.value),
    threshold: fmt(v.threshold),
    op: v.op === 'lt' ? '<' : '>',
    window: ts(lang, v.window === 'week' ? 'window_week' : 'window_month'),
    from: formatDate(String(v.from), lang),
    to: formatDate(String(v.to), lang),
  });
}
