// GET /api/admin/users — the users (never a password hash); POST — create one: the answer holds its one-time password, once.
import { z } from 'zod';
import { publicUser, requireAdmin } from '@/dashboards/server/admin';
import { json, jsonBody, route } from '@/dashboards/server/http';
import { appDb, services } from '@/dashboards/server/services';
import { listUsers } from '@/roles/store';
import { createUser } from '@/roles/users';

export const dynamic = 'force-dynamic';

export const GET = route(async ({ principal }) => {
  requireAdmin(principal!, 'users');
  return json((await listUsers(await appDb())).map(publicUser));
});

export const POST = route(async ({ req, principal }) => {
  requireAdmin(principal!, 'users');
  const input = await jsonBody(req, z.record(z.string(), z.unknown()), '{"username", "display_name", "roles", "offices", "states"}');
  const r = await createUser(await appDb(), input, principal!.user.username, { otpHours: services().config.session.otpHours });
  return json({ user: publicUser(r.user), password: r.password }, 201);
});
