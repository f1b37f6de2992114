// GET /api/geo/states — the map of the 16 states (public reference data, © GeoBasis-DE / BKG 2018).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simplifyStates } from '@/dashboards/geo';
import { projectRoot } from '@/platform/config';

export const dynamic = 'force-static';

let body: string | undefined;

export function GET() {
  // simplified to what a screen shows (dashboards/geo.ts): the browser redraws every point on every filter change
  body ??= JSON.stringify(simplifyStates(JSON.parse(readFileSync(join(/*turbopackIgnore: true*/ projectRoot, 'reference/geo/germany-states.geojson'), 'utf8'))));
  return new Response(body, { headers: { 'content-type': 'application/geo+json', 'cache-control': 'public, max-age=86400' } });
}
