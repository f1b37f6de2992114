// POST /api/admin/users/<username>/password — a new one-time password (answered once), sessions ended.
import { requireAdmin } from '@/dashboards/server/admin';
import { json, route } from '@/dashboards/server/http';
import { appDb, services } from '@/dashboards/server/services';
import { resetPassword } from '@/roles/users';

export const dynamic = 'force-dynamic';

export const POST = route<{ username: string }>(async ({ principal }, { username }) => {
  requireAdmin(principal!, 'users');
  return json({ password: await resetPassword(await appDb(), username, principal!.user.username, { otpHours: services().config.session.otpHours }) });
});
