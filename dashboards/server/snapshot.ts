/**
 * The snapshot of one page request. React's `cache` is scoped to a server render, so the filter
 * bar, every panel streamed in its own Suspense boundary, the report table and the Datenstand in
 * the header all read the same snapshot — even when a run publishes a new one meanwhile.
 */
import 'server-only';
import { cache } from 'react';
import type { PinnedSnapshot } from '../../warehouse/snapshots';
import { services } from './services';

export const requestSnapshot = cache((): Promise<PinnedSnapshot> => services().reader.pin());
