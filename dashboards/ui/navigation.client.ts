'use client';
/**
 * Filters live in the URL (shareable; the back button works). Changing one replaces the search
 * parameters and lets the server render the panels for the new state, inside a transition so the
 * current view stays until the new one is ready.
 */
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useTransition } from 'react';

/** Drill-down: choosing a state clears the office, choosing an office keeps its state. */
const CLEARS: Record<string, string[]> = { state: ['office'] };

export function useFilterNavigation() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [pending, start] = useTransition();

  const navigate = useCallback(
    (changes: Record<string, string | undefined>) => {
      const next = new URLSearchParams(params.toString());
      for (const [k, v] of Object.entries(changes)) {
        if (v === undefined || v === '') next.delete(k);
        else next.set(k, v);
        for (const c of CLEARS[k] ?? []) if (!(c in changes)) next.delete(c);
      }
      const qs = next.toString();
      start(() => router.push(qs ? `${pathname}?${qs}` : pathname, { scroll: false }));
    },
    [params, pathname, router],
  );

  const setFilter = useCallback((key: string, value: string | undefined) => navigate({ [key]: value }), [navigate]);
  const reset = useCallback(() => start(() => router.push(pathname, { scroll: false })), [pathname, router]);
  return { navigate, setFilter, reset, pending, params };
}
