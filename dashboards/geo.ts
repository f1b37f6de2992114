/**
 * The map of the states as the browser draws it. The reference geometry (reference/geo, 17,000
 * points) is finer than any screen FIS draws it on: a tablet's map panel is some 500 px wide for
 * Germany's nine degrees of longitude, so one pixel is about 0.02°. ECharts projects and strokes
 * every point on every redraw, and on a filter change that was most of the browser's work. Each
 * ring is simplified (Douglas–Peucker) to within `tolerance` degrees — a fraction of a pixel up to
 * a map a few thousand pixels wide —; every state and every ring (islands) stays, rings stay closed.
 */

type Ring = Array<[number, number]>;
type Geometry = { type: 'Polygon'; coordinates: Ring[] } | { type: 'MultiPolygon'; coordinates: Ring[][] };
export interface StatesGeo {
  type: 'FeatureCollection';
  features: Array<{ type: 'Feature'; properties: Record<string, unknown>; geometry: Geometry }>;
}

/** The distance of `p` from the segment a–b (in the coordinates' own units). */
function segmentDistance(p: [number, number], a: [number, number], b: [number, number]): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len = dx * dx + dy * dy;
  const t = len === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len));
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

/** The points of `line` to keep so that no dropped point is farther than `tolerance` from the kept line. */
function douglasPeucker(line: Ring, tolerance: number): Ring {
  const keep = new Uint8Array(line.length);
  keep[0] = keep[line.length - 1] = 1;
  const stack: Array<[number, number]> = [[0, line.length - 1]];
  while (stack.length) {
    const [from, to] = stack.pop()!;
    let far = -1;
    let farthest = tolerance;
    for (let i = from + 1; i < to; i++) {
      const d = segmentDistance(line[i]!, line[from]!, line[to]!);
      if (d > farthest) {
        farthest = d;
        far = i;
      }
    }
    if (far >= 0) {
      keep[far] = 1;
      stack.push([from, far], [far, to]);
    }
  }
  return line.filter((_, i) => keep[i]);
}

/** A closed ring simplified, split at its point farthest from the start so that it keeps an area. */
export function simplifyRing(ring: Ring, tolerance: number): Ring {
  if (ring.length <= 5) return ring;
  let split = 1;
  for (let i = 1; i < ring.length - 1; i++) if (Math.hypot(ring[i]![0] - ring[0]![0], ring[i]![1] - ring[0]![1]) > Math.hypot(ring[split]![0] - ring[0]![0], ring[split]![1] - ring[0]![1])) split = i;
  const out = [...douglasPeucker(ring.slice(0, split + 1), tolerance), ...douglasPeucker(ring.slice(split), tolerance).slice(1)];
  // a ring needs three corners and its closing point
  return out.length >= 4 ? out : ring;
}

/** The states' map with every ring simplified to within `tolerance` degrees. */
export function simplifyStates(geo: StatesGeo, tolerance = 0.01): StatesGeo {
  const polygon = (rings: Ring[]) => rings.map((r) => simplifyRing(r, tolerance));
  return {
    ...geo,
    features: geo.features.map((f) => ({
      ...f,
      geometry: f.geometry.type === 'Polygon' ? { type: 'Polygon', coordinates: polygon(f.geometry.coordinates) } : { type: 'MultiPolygon', coordinates: f.geometry.coordinates.map(polygon) },
    })),
  };
}

/** How many points a map has (for the tests and the docs). */
export const pointCount = (geo: StatesGeo) => geo.features.reduce((n, f) => n + (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates).flat().reduce((m, r) => m + r.length, 0), 0);
