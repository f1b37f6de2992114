import { describe, expect, it } from 'vitest';
import { securityHeaders } from './security-headers';

describe('security headers', () => {
  it('gives each request its own nonce, in the CSP of the request and of the response', () => {
    const a = securityHeaders('/dashboards/overview', false);
    const b = securityHeaders('/dashboards/overview', false);
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.csp).toContain(`'nonce-${a.nonce}'`);
    expect(a.response['content-security-policy']).toBe(a.csp);
    expect(a.response['cache-control']).toBe('no-store');
    expect(a.response['strict-transport-security']).toBeUndefined();
  });

  it('lets only static build output and the map be cached, and asks for HTTPS behind an HTTPS proxy', () => {
    expect(securityHeaders('/_next/static/chunks/a.js', false).response['cache-control']).toBeUndefined();
    expect(securityHeaders('/api/geo/states', false).response['cache-control']).toBeUndefined();
    for (const path of ['/api/query', '/_next/staticx', '/api/dashboards/overview/view', '/favicon.ico.html']) expect(securityHeaders(path, false).response['cache-control']).toBe('no-store');
    const s = securityHeaders('/', true);
    expect(s.response['strict-transport-security']).toContain('max-age=');
    expect(s.csp).toContain('upgrade-insecure-requests');
  });
});
