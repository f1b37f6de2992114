'use client';
/**
 * Filters live in the URL (shareable; the back button works). On a report, changing one lets the
 * server render the page for the new state, inside a transition so the current view stays until
 * the new one is ready. On a dashboard (inside <ShallowFilters>), the URL changes in the browser
 * only (history.pushState, which Next's router follows): the dashboard asks again for just the
 * panels whose inputs changed, and the others stay on screen.
 */
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { createContext, createElement, useCallback, useContext, useTransition, type ReactNode } from 'react';

const Shallow = createContext<{ busy: boolean; begin: () => void } | null>(null);

/**
 * Filter changes below stay in the browser; `busy` while the dashboard fetches panels, `begin`
 * called just before the URL changes (so the page says it is busy at once).
 */
export const ShallowFilters = ({ busy, begin, children }: { busy: boolean; begin: () => void; children: ReactNode }) => createElement(Shallow.Provider, { value: { busy, begin } }, children);

/**
 * Drill-down: choosing a state clears the office, choosing an office keeps its state. Dates replace
 * a relative period (period=last-12-months of a saved view), and any change ends the note on
 * values dropped for being outside the rights.
 */
const CLEARS: Record<string, string[]> = { state: ['office'], from: ['period'], to: ['period'] };

export function useFilterNavigation() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [transition, start] = useTransition();
  const shallow = useContext(Shallow);
  const pending = transition || (shallow?.busy ?? false);
  const go = useCallback(
    (url: string) => {
      if (shallow) {
        shallow.begin();
        window.history.pushState(null, '', url);
      }
      else start(() => router.push(url, { scroll: false }));
    },
    [router, shallow],
  );

  const navigate = useCallback(
    (changes: Record<string, string | undefined>) => {
      const next = new URLSearchParams(params.toString());
      next.delete('dropped');
      for (const [k, v] of Object.entries(changes)) {
        if (v === undefined || v === '') next.delete(k);
        else next.set(k, v);
        for (const c of CLEARS[k] ?? []) if (!(c in changes)) next.delete(c);
      }
      const qs = next.toString();
      go(qs ? `${pathname}?${qs}` : pathname);
    },
    [params, pathname, go],
  );

  const setFilter = useCallback((key: string, value: string | undefined) => navigate({ [key]: value }), [navigate]);
  const reset = useCallback(() => go(pathname), [pathname, go]);
  return { navigate, setFilter, reset, pending, params };
}
