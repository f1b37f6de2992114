/**
 * The security headers BSI IT-Grundschutz APP.3.1 asks for, and a fresh CSP nonce per request,
 * set by our web server (platform/web-server.ts) before Next.js sees the request: Next reads the
 * nonce from the request's Content-Security-Policy header and puts it on its own scripts. (Set
 * here rather than in a Next.js proxy: one less pass through Next's request machinery, about a
 * millisecond per request.) Not an authorisation boundary: every page and route checks the
 * session and rights itself (dashboards/server).
 */
import { randomBytes } from 'node:crypto';

export interface SecurityHeaders {
  nonce: string;
  /** the Content-Security-Policy of the request and its response */
  csp: string;
  /** the response headers, Content-Security-Policy included */
  response: Record<string, string>;
}

/** Static build output and the map of the states may be cached; pages and data answers never are. */
const CACHEABLE = /^\/(_next\/static\/|_next\/image|favicon\.ico$|api\/geo\/)/;

export function securityHeaders(path: string, https: boolean): SecurityHeaders {
  const nonce = randomBytes(16).toString('base64');
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    // ECharts and React set style attributes; no inline scripts are allowed
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
  const response: Record<string, string> = {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
    'cross-origin-opener-policy': 'same-origin',
    ...(https ? { 'strict-transport-security': 'max-age=63072000; includeSubDomains' } : {}),
    // pages and data answers carry personal-data aggregates: never cached anywhere
    ...(CACHEABLE.test(path) ? {} : { 'cache-control': 'no-store' }),
  };
  return { nonce, csp, response };
}
