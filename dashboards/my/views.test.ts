/** A view's path: a dashboard or report of FIS with plain filter parameters — never another site, a download or a script. */
import { describe, expect, it } from 'vitest';
import { checkViewPath } from './views';

describe('the path of a saved view', () => {
  it('keeps a dashboard or report with its filters, sorted, without a download format or our own note', () => {
    expect(checkViewPath('/dashboards/pending?state=09&period=last-12-months')).toEqual({ kind: 'dashboard', id: 'pending', target: '/dashboards/pending', path: '/dashboards/pending?period=last-12-months&state=09' });
    expect(checkViewPath('/reports/asylum-monthly?format=pdf&dropped=state:08&office=MUC').path).toBe('/reports/asylum-monthly?office=MUC');
    expect(checkViewPath('/dashboards/overview').path).toBe('/dashboards/overview');
  });

  it('refuses foreign and unsafe paths with one sentence', () => {
    for (const bad of ['https://evil.example/dashboards/pending', '//evil.example/dashboards/pending', '/\\evil.example', '/%5Cevil.example', '/admin/users', '/api/query?metric=applications', '/dashboards/pending/../../admin', '/dashboards/nope', '/dashboards/pending#x', '/dashboards/pending?<script>=1', 'javascript:alert(1)', '/dashboards/pending?a\u0000=1']) {
      expect(() => checkViewPath(bad), bad).toThrow(/dashboard or report|There is no/);
    }
  });
});
