import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../platform/config';
import { metricCatalogue } from './catalogue';
import { METRICS } from './metrics';

describe('metric catalogue', () => {
  it('is current (run npm run docs after changing metrics or dimensions)', () => {
    expect(readFileSync(join(projectRoot, 'docs/metric-catalogue.md'), 'utf8')).toBe(metricCatalogue());
  });
  it('has every contract metric', () => {
    const contract = ['applications', 'hearings', 'decisions', 'decisions_positive', 'protection_rate', 'protection_rate_adjusted', 'pending', 'processing_months_avg',
      'processing_months_median', 'courses_started', 'participants_new', 'entitlements_issued', 'dtz_b1_rate', 'lid_pass_rate', 'vocational_entitlements',
      'vocational_courses_started', 'invoiced_eur'];
    for (const m of contract) expect(METRICS.map((x) => x.name)).toContain(m);
  });
});
