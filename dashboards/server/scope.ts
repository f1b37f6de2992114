/**
 * A page's filters against the viewer's rights of the moment — for a saved view, a shared link, a
 * pinned panel: the values of state, office and nationality outside their scope are dropped, and
 * one sentence says which (by name; never a figure of them).
 */
import 'server-only';
import type { Principal } from '../../roles/access';
import type { SnapshotSource } from '../../warehouse/snapshots';
import type { Lang } from '../i18n';
import { tm } from '../i18n-my';
import { filterLabel, scopeValues, type FilterSource } from './options';
import { labels } from './panels';

/** The filters that rights restrict (row conditions name office, state and nationality). */
const SCOPED = ['state', 'office', 'nationality'] as const;

export interface Dropped {
  key: string;
  code: string;
}

/** The values outside the viewer's scope, per filter. */
export async function outOfScope(reader: SnapshotSource, principal: Principal, src: FilterSource, values: Partial<Record<string, string[]>>): Promise<Dropped[]> {
  const out: Dropped[] = [];
  for (const key of SCOPED) {
    const vs = values[key];
    if (!vs?.length || !src.filters.includes(key)) continue;
    const allowed = await scopeValues(reader, principal, src, key);
    if (!allowed) continue;
    for (const code of vs) if (!allowed.has(code)) out.push({ key, code });
  }
  return out;
}

/** The URL parameters without the dropped values, and with `dropped=` naming them for the sentence. */
export function withoutDropped(params: Record<string, string | string[] | undefined>, dropped: readonly Dropped[]): URLSearchParams {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (k === 'dropped' || v === undefined) continue;
    const value = Array.isArray(v) ? v[0]! : v;
    const gone = new Set(dropped.filter((d) => d.key === k).map((d) => d.code));
    const kept = gone.size ? value.split('|').filter((x) => x && !gone.has(x)).join('|') : value;
    if (kept) q.set(k, kept);
  }
  if (dropped.length) q.set('dropped', dropped.map((d) => `${d.key}:${d.code}`).join(','));
  return q;
}

/**
 * The sentence for `dropped=` of a URL — only for values that really are outside the viewer's
 * scope now (a link cannot make FIS claim anything else), or undefined.
 */
export async function droppedSentence(reader: SnapshotSource, principal: Principal, src: FilterSource, param: string | string[] | undefined, lang: Lang): Promise<string | undefined> {
  const raw = (Array.isArray(param) ? param[0] : param) ?? '';
  if (!raw) return undefined;
  const claimed: Partial<Record<string, string[]>> = {};
  for (const part of raw.split(',').slice(0, 20)) {
    const [key, code] = part.split(':');
    if (key && code && (SCOPED as readonly string[]).includes(key)) (claimed[key] ??= []).push(code.slice(0, 10));
  }
  const real = await outOfScope(reader, principal, src, claimed);
  if (!real.length) return undefined;
  const names = await Promise.all(
    real.map(async (d) => `${filterLabel(d.key as never, lang)} ${(await labels(reader, d.key, lang))[d.code] ?? d.code}`),
  );
  return tm(lang, 'droppedOutOfScope', { values: names.join(', ') });
}
