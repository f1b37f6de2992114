// GET /api/auth/oidc/callback — back from the identity provider: verify, map the groups, start the session; refusals go to /login?sso=<reason>.
import { route } from '@/dashboards/server/http';
import { finishSso } from '@/dashboards/server/sso';

export const dynamic = 'force-dynamic';

export const GET = route(async ({ req }) => finishSso(req), { auth: 'none' });
