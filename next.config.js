// Next.js configuration. Native and WebAssembly packages stay outside the server bundle;
// telemetry is off (set NEXT_TELEMETRY_DISABLED=1 as well); security headers come from platform/security-headers.ts (set by our web server).
/** @type {import('next').NextConfig} */
const nextConfig = {
  serverExternalPackages: [
    '@duckdb/node-api',
    '@duckdb/node-bindings',
    '@electric-sql/pglite',
    '@electric-sql/pglite-socket',
    'pg',
    'pg-copy-streams',
    'exceljs',
    'pdfkit',
    'svg-to-pdfkit',
    'apache-arrow',
    'prom-client',
    'openid-client',
    'nodemailer',
    'node-cron',
  ],
  poweredByHeader: false,
  reactStrictMode: true,
  typedRoutes: false,
  // forbidden() renders app/forbidden.tsx with status 403
  experimental: { authInterrupts: true },
  // no Buffer polyfill in the browser (dashboards/ui/buffer-stub.ts says why)
  turbopack: { resolveAlias: { buffer: { browser: './dashboards/ui/buffer-stub.ts' }, 'next/dist/compiled/buffer': { browser: './dashboards/ui/buffer-stub.ts' } } },
};

export default nextConfig;
