/**
 * The snapshot of one page request. React's `cache` is scoped to a server render, so the filter
 * bar, every panel streamed in its own Suspense boundary, the report table and the Datenstand in
 * the header all read the same snapshot — even when a run publishes a new one meanwhile.
 */
import 'server-only';
import { headers } from 'next/headers';
import { cache } from 'react';
import { WARM_HEADER } from '../../platform/kept-pages';
import type { PinnedSnapshot } from '../../warehouse/snapshots';
import { warmingSnapshot } from './kept-pages';
import { services } from './services';

/** The warm-up ticket of this request; none outside a request (a function called by a test or a job). */
async function ticket(): Promise<string | null> {
  try {
    return (await headers()).get(WARM_HEADER);
  } catch {
    return null;
  }
}

// a warm-up render (warmup.ts) names the snapshot being warmed by its ticket; any other request reads the current one
export const requestSnapshot = cache(async (): Promise<PinnedSnapshot> => warmingSnapshot(await ticket()) ?? services().reader.pin());
