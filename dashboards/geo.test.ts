import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../platform/config';
import { pointCount, simplifyRing, simplifyStates, type StatesGeo } from './geo';

const geo = JSON.parse(readFileSync(join(projectRoot, 'reference/geo/germany-states.geojson'), 'utf8')) as StatesGeo;
const rings = (g: StatesGeo) => g.features.flatMap((f) => (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates).flat());

describe('the map as the browser draws it', () => {
  it('keeps every state and every ring, closed, with far fewer points', () => {
    const s = simplifyStates(geo);
    expect(s.features.map((f) => f.properties.ags)).toEqual(geo.features.map((f) => f.properties.ags));
    expect(rings(s)).toHaveLength(rings(geo).length);
    for (const r of rings(s)) {
      expect(r.length).toBeGreaterThanOrEqual(4);
      expect(r.at(-1)).toEqual(r[0]);
    }
    expect(pointCount(s)).toBeLessThan(pointCount(geo) * 0.35);
  });

  it('moves no border by more than the tolerance: every dropped point lies near the kept outline', () => {
    const tolerance = 0.01;
    const near = (p: [number, number], ring: Array<[number, number]>) =>
      ring.slice(1).some((b, i) => {
        const a = ring[i]!;
        const dx = b[0] - a[0];
        const dy = b[1] - a[1];
        const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy || 1)));
        return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy) <= tolerance + 1e-12;
      });
    const before = rings(geo);
    const after = rings(simplifyStates(geo, tolerance));
    before.forEach((r, i) => {
      for (const p of r) expect(near(p, after[i]!)).toBe(true);
    });
  });

  it('leaves a ring too small to simplify as it is', () => {
    const tiny: Array<[number, number]> = [[0, 0], [1, 0], [1, 1], [0, 0]];
    expect(simplifyRing(tiny, 10)).toEqual(tiny);
    const square: Array<[number, number]> = [[0, 0], [0.5, 0.0001], [1, 0], [1, 1], [0.5, 1.0001], [0, 1], [0, 0]];
    expect(simplifyRing(square, 0.01)).toEqual([[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]);
  });
});
