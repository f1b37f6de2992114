/**
 * The web app's side of events on the time axes: who may write them (the `annotate` right) and
 * the events of each chart a viewer gets on a page (events/context.ts, with this process's
 * app-state database).
 */
import 'server-only';
import { UserError } from '../../platform/errors';
import { can } from '../../roles/ability';
import type { Principal } from '../../roles/access';
import type { SnapshotSource } from '../../warehouse/snapshots';
import { dataWithEvents } from '../events/context';
import type { FisEvent } from '../events/events';
import type { PanelData } from '../specs';
import { appDb } from './services';

export const mayAnnotate = (p: Principal) => can(p.ability, 'annotate', 'Event');

export function requireAnnotate(p: Principal): void {
  if (!mayAnnotate(p)) throw new UserError('You may not write events: that needs the annotate right.', { httpStatus: 403 });
}

/** A panel's data with the events the viewer sees on its chart (`listed`: the events this request read). */
export const panelWithEvents = async (reader: SnapshotSource, principal: Principal, data: PanelData, filters: { state?: string[]; office?: string[] }, listed?: Promise<FisEvent[]>): Promise<PanelData> =>
  dataWithEvents(reader, principal, listed ? undefined : await appDb(), data, filters, listed);
