'use client';
/**
 * A dashboard after its first render: filter changes stay in the browser (ShallowFilters), and
 * only the panels whose inputs changed ask the server again — with the filter bar's choices, in one
 * request whose answer streams panel by panel (GET /api/dashboards/<slug>/view); the others stay as
 * they are. While new figures are on their way the old ones stay, marked busy.
 * The server's first render of each panel (streamed in its own Suspense boundary) is shown until
 * its inputs change; panels fetched before are kept per filter state, so going back is instant.
 */
import { useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { FilterKey } from '../defs';
import { filterParams, inputKey, parseFilters, type Filters } from '../filters';
import type { Lang } from '../i18n';
import type { PanelView } from '../specs';
import { FilterBar, type FilterOption } from './filter-bar.client';
import { ShallowFilters } from './navigation.client';
import { PanelFrame } from './panels';

type Line = { panel: PanelView } | { bar: BarProps } | { error: string; panel?: string };

/** Reads an NDJSON answer line by line as it arrives. */
async function readLines(url: string, signal: AbortSignal, onLine: (l: Line) => void): Promise<void> {
  const r = await fetch(url, { signal });
  if (!r.ok || !r.body) throw new Error(String(r.status));
  const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
  let rest = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    rest += value;
    let nl: number;
    while ((nl = rest.indexOf('\n')) >= 0) {
      const text = rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      if (text) onLine(JSON.parse(text) as Line);
    }
  }
}

export interface Slot {
  id: string;
  title: string;
  span: number;
  inputs: string[];
}

type BarProps = { lang: Lang; from: string; to: string; dataAsOf: string; years: number[]; filters: FilterOption[]; drillPath: Array<{ key: string; label: string }> };

export function DashboardLive(props: { slug: string; lang: Lang; filterKeys: FilterKey[]; dataAsOf: string | null; first: Filters; bar: BarProps; slots: Slot[]; initial: Record<string, ReactNode> }) {
  const { slug, lang, filterKeys, dataAsOf, first, slots, initial } = props;
  const params = useSearchParams();
  const filters = useMemo(() => parseFilters(Object.fromEntries(params.entries()), { filters: filterKeys }, dataAsOf), [params, filterKeys, dataAsOf]);
  const [bar, setBar] = useState(props.bar);
  const [shown, setShown] = useState<Record<string, PanelView | undefined>>({});
  const [pending, setPending] = useState<Set<string>>(new Set());
  // set when a filter changes, until the effect below has looked at the new state
  const [navigating, setNavigating] = useState(false);
  const views = useRef(new Map<string, PanelView>());
  const firstKeys = useMemo(() => Object.fromEntries(slots.map((s) => [s.id, inputKey(first, s.inputs)])), [slots, first]);
  const barKey = useRef(JSON.stringify(first));

  useEffect(() => {
    const abort = new AbortController();
    const qs = filterParams(filters).toString();
    const stale = slots.filter((s) => {
      const k = inputKey(filters, s.inputs);
      if (k === firstKeys[s.id]) return false;
      return !views.current.has(`${s.id}|${k}`);
    });
    // what was fetched before (or the first render) shows at once
    setShown(Object.fromEntries(slots.map((s) => [s.id, views.current.get(`${s.id}|${inputKey(filters, s.inputs)}`)])));
    setPending(new Set(stale.map((s) => s.id)));
    setNavigating(false);
    const bk = JSON.stringify(filters);
    const withBar = bk !== barKey.current;
    barKey.current = bk;
    if (stale.length || withBar) {
      const keys = new Map(stale.map((s) => [s.id, inputKey(filters, s.inputs)]));
      const done = (id: string) =>
        setPending((x) => {
          const n = new Set(x);
          n.delete(id);
          return n;
        });
      const q = new URLSearchParams(qs);
      q.set('panels', stale.map((s) => s.id).join(','));
      if (withBar) q.set('bar', '1');
      // one request for the whole change; each panel is drawn as soon as its line arrives
      void readLines(`/api/dashboards/${slug}/view?${q.toString()}`, abort.signal, (line) => {
        if ('bar' in line) setBar(line.bar);
        else if ('error' in line) {
          if (line.panel) done(line.panel);
        } else {
          const v = line.panel;
          views.current.set(`${v.id}|${keys.get(v.id)}`, v);
          setShown((x) => ({ ...x, [v.id]: v }));
          done(v.id);
        }
      }).catch(() => {
        // aborted by a newer change, or refused: the next change asks again
      });
    }
    return () => abort.abort();
  }, [filters, slots, slug, firstKeys]);

  const busy = navigating || pending.size > 0;
  // the bar shows the state in force at once; its choices follow when they arrive
  const barNow = { ...bar, lang, from: filters.from, to: filters.to, filters: bar.filters.map((f) => ({ ...f, value: filters.values[f.key as FilterKey]?.[0] })) };
  return (
    <ShallowFilters busy={busy} begin={() => setNavigating(true)}>
      <FilterBar {...barNow} />
      <div className="panels" aria-busy={busy || undefined}>
        {slots.map((s) => {
          const v = shown[s.id];
          const busy = pending.has(s.id);
          if (!v) return busy ? <div key={s.id} className={`panel-slot span-${s.span}`} aria-busy="true">{initial[s.id]}</div> : <div key={s.id} className={`panel-slot span-${s.span}`}>{initial[s.id]}</div>;
          return <PanelFrame key={s.id} {...v} busy={busy} />;
        })}
      </div>
    </ShallowFilters>
  );
}
