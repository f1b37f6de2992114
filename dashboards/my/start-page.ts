/**
 * "Mein FIS", the personal start page: pinned panels and KPI tiles from any dashboard, each with
 * its own filters (the dashboard's URL parameters), in the user's order. A user who never changed
 * theirs gets the start page an administrator set for their role (the first of their roles that
 * has one); the first change makes a copy their own. Stored are panels and filters, never figures:
 * what a pin shows is asked with the viewer's rights whenever the page opens.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { z } from 'zod';
import { UserError } from '../../platform/errors';
import type { AppDb } from '../../roles/app-db';
import { audit } from '../../roles/store';
import { DASHBOARD_DEFS } from '../defs';
import { checkViewPath } from './views';

export interface Pin {
  id: string;
  slug: string;
  panel: string;
  /** one KPI tile of a KPI panel (its metric), or the whole panel */
  tile?: string;
  /** the dashboard's filter parameters (state=09&period=last-12-months), '' for its defaults */
  query: string;
}

export const MAX_PINS = 24;

export const pinInputSchema = z
  .object({ slug: z.string().max(60), panel: z.string().max(60), tile: z.string().max(60).optional(), query: z.string().max(1500).default('') })
  .strict();
export type PinInput = z.infer<typeof pinInputSchema>;

/** A pin checked against the catalogue (dashboard, panel, tile) with its filters normalised; one sentence otherwise. */
export function checkPin(input: PinInput, id?: string): Pin {
  const def = DASHBOARD_DEFS.find((d) => d.slug === input.slug);
  if (!def) throw new UserError(`There is no dashboard "${input.slug.slice(0, 60)}".`);
  const panel = def.panels.find((p) => p.id === input.panel);
  if (!panel) throw new UserError(`The dashboard "${def.slug}" has no panel "${input.panel.slice(0, 60)}".`);
  if (input.tile !== undefined && (panel.kind !== 'kpis' || !panel.metrics.includes(input.tile))) throw new UserError(`The panel "${panel.id}" has no tile "${input.tile.slice(0, 60)}".`);
  const q = input.query.replace(/^\?/, '');
  const path = checkViewPath(q ? `/dashboards/${def.slug}?${q}` : `/dashboards/${def.slug}`).path;
  return { id: id ?? randomBytes(6).toString('hex'), slug: def.slug, panel: panel.id, ...(input.tile ? { tile: input.tile } : {}), query: path.split('?')[1] ?? '' };
}

const pinsOf = (items: unknown): Pin[] =>
  Array.isArray(items)
    ? items.flatMap((x) => {
        try {
          const p = x as Pin;
          return [checkPin({ slug: p.slug, panel: p.panel, tile: p.tile, query: p.query ?? '' }, typeof p.id === 'string' ? p.id : undefined)];
        } catch {
          // a panel that no longer exists in the catalogue is left out (the page says how many)
          return [];
        }
      })
    : [];

export interface StartPage {
  items: Pin[];
  /** own, the role's (not yet changed), or none */
  source: 'own' | 'role' | 'none';
  role?: string;
  /** pins stored that no longer exist in the catalogue */
  lost: number;
}

/** A user's start page: their own, else their role's, else none. */
export async function startPageOf(db: AppDb, user: { username: string; roles: readonly string[] }): Promise<StartPage> {
  const own = await db.selectFrom('start_page').select(['items']).where('owner', '=', user.username).executeTakeFirst();
  if (own) {
    const items = pinsOf(own.items);
    return { items, source: 'own', lost: (Array.isArray(own.items) ? own.items.length : 0) - items.length };
  }
  if (user.roles.length) {
    const rows = await db.selectFrom('role_start_page').select(['role', 'items']).where('role', 'in', [...user.roles]).execute();
    for (const role of user.roles) {
      const r = rows.find((x) => x.role === role);
      if (r && Array.isArray(r.items) && r.items.length) {
        const items = pinsOf(r.items);
        return { items, source: 'role', role, lost: r.items.length - items.length };
      }
    }
  }
  return { items: [], source: 'none', lost: 0 };
}

async function store(db: AppDb, owner: string, items: Pin[], action: string, details: Record<string, unknown>): Promise<Pin[]> {
  if (items.length > MAX_PINS) throw new UserError(`A start page holds at most ${MAX_PINS} pinned items; unpin one first.`, { httpStatus: 409 });
  await sql`
    INSERT INTO start_page (owner, items) VALUES (${owner}, ${JSON.stringify(items)}::jsonb)
    ON CONFLICT (owner) DO UPDATE SET items = excluded.items, version = start_page.version + 1, updated_at = now()`.execute(db);
  await audit(db, { actor: owner, action, target: `start:${owner}`, outcome: 'ok', details });
  return items;
}

/** Pins a panel or tile at the end of the user's start page (starting from their role's, if they had none of their own). */
export async function addPin(db: AppDb, user: { username: string; roles: readonly string[] }, input: PinInput): Promise<Pin> {
  const pin = checkPin(input);
  const current = await startPageOf(db, user);
  await store(db, user.username, [...current.items, pin], 'start.pin', { slug: pin.slug, panel: pin.panel, tile: pin.tile, query: pin.query });
  return pin;
}

/** Puts the user's pins in the order given; pins not named are unpinned. Unknown ids: 400. */
export async function arrangePins(db: AppDb, user: { username: string; roles: readonly string[] }, order: readonly string[]): Promise<Pin[]> {
  const current = await startPageOf(db, user);
  const byId = new Map(current.items.map((p) => [p.id, p]));
  const unknown = order.find((id) => !byId.has(id));
  if (unknown !== undefined) throw new UserError(`Your start page has no pinned item "${unknown.slice(0, 20)}"; reload the page.`);
  const items = [...new Set(order)].map((id) => byId.get(id)!);
  return store(db, user.username, items, 'start.arrange', { order: items.map((p) => p.id) });
}

/** The start page an administrator set for a role (panels only). */
export async function roleStartPage(db: AppDb, role: string): Promise<Pin[]> {
  const r = await db.selectFrom('role_start_page').select(['items']).where('role', '=', role).executeTakeFirst();
  return pinsOf(r?.items);
}

/** Sets a role's start page (the caller checked the admin right); audited. */
export async function setRoleStartPage(db: AppDb, role: string, inputs: readonly PinInput[], actor: string): Promise<Pin[]> {
  const exists = await db.selectFrom('role').select('name').where('name', '=', role).executeTakeFirst();
  if (!exists) throw new UserError(`There is no role "${role.slice(0, 60)}".`, { httpStatus: 404 });
  const items = inputs.map((x) => checkPin(x));
  if (items.length > MAX_PINS) throw new UserError(`A start page holds at most ${MAX_PINS} items.`);
  await sql`
    INSERT INTO role_start_page (role, items, updated_by) VALUES (${role}, ${JSON.stringify(items)}::jsonb, ${actor})
    ON CONFLICT (role) DO UPDATE SET items = excluded.items, version = role_start_page.version + 1, updated_at = now(), updated_by = excluded.updated_by`.execute(db);
  await audit(db, { actor, action: 'role.start-page', target: role, outcome: 'ok', details: { items: items.map((p) => `${p.slug}/${p.panel}${p.tile ? `/${p.tile}` : ''}`) } });
  return items;
}
