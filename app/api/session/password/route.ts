// POST /api/session/password — {current, next} as JSON: the user changes their own password (CSRF token required).
import { z } from 'zod';
import { authSettings, clientAddress, errorResponse, json, route } from '@/dashboards/server/http';
import { appDb } from '@/dashboards/server/services';
import { SESSION_COOKIE, changePassword, tokenHash } from '@/roles/auth';

export const dynamic = 'force-dynamic';

const body = z.object({ current: z.string().max(200), next: z.string().max(200) }).strict();

export const POST = route(
  async ({ req, principal }) => {
    const parsed = body.safeParse(await req.json().catch(() => undefined));
    if (!parsed.success) return errorResponse(400, 'Send {"current": …, "next": …}.');
    const token = req.cookies.get(SESSION_COOKIE)?.value;
    await changePassword(await appDb(), principal!.user.user_id, parsed.data.current, parsed.data.next, { client: clientAddress(req), keepTokenHash: token ? tokenHash(token) : undefined }, authSettings());
    return json({ changed: true });
  },
  { beforePasswordChange: true },
);
