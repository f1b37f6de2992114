// GET /api/auth/oidc/login?next=… — single sign-on: off to the identity provider (authorization code with PKCE).
import { route } from '@/dashboards/server/http';
import { startSso } from '@/dashboards/server/sso';

export const dynamic = 'force-dynamic';

export const GET = route(async ({ req }) => startSso(req), { auth: 'none' });
