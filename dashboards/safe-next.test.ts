import { describe, expect, it } from 'vitest';
import { safeNext } from './safe-next';

describe('safeNext', () => {
  it('keeps paths of the app with their query and fragment', () => {
    expect(safeNext('/dashboards/pending?state=09&from=2025-01-01')).toBe('/dashboards/pending?state=09&from=2025-01-01');
    expect(safeNext('/reports/asylum-monthly#table')).toBe('/reports/asylum-monthly#table');
    expect(safeNext('/')).toBe('/');
  });

  it('refuses every way out to another site', () => {
    for (const evil of ['//evil.example', '/\\evil.example', '/%5Cevil.example', '/%5cevil.example', '/%2F/evil.example', 'https://evil.example', 'http:evil.example', 'javascript:alert(1)', '\\\\evil.example', '/\tevil', '/\n/evil.example', ' /x', '', '%2F%2Fevil.example', '/%E0%A4%A']) {
      expect(safeNext(evil), evil).toBe('/');
    }
    expect(safeNext(undefined)).toBe('/');
  });
});
