/**
 * The one place that reads the environment. Parsed and validated once with zod; every other module
 * receives plain values. An invalid variable stops the program with one sentence naming it.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { UserError } from './errors';
import { parseCidrList, type Cidr } from './net';

const cron = z
  .string()
  .trim()
  .regex(/^(\S+\s+){4,5}\S+$/, 'must be a cron expression with 5 or 6 fields');

const optionalUrl = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined))
  .refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// URL');

const intFrom = (def: number, min: number) =>
  z.coerce.number().int().min(min).default(def);

const schema = z.object({
  FIS_DATA_DIR: z.string().trim().min(1).default('data'),
  FIS_SOURCE_ASYLUM_URL: optionalUrl,
  FIS_SOURCE_INTEGRATION_URL: optionalUrl,
  FIS_APP_DB_URL: optionalUrl,
  FIS_CODELIST_DIR: z.string().trim().optional(),
  FIS_DEMO_PASSWORD: z.string().min(1).default('demo'),
  FIS_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  FIS_LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
  FIS_SUPPRESSION_MIN: intFrom(5, 1),
  FIS_SNAPSHOTS_KEEP: intFrom(3, 1),
  FIS_SCHEDULE_INCREMENTAL: cron.default('*/15 * * * *'),
  FIS_SCHEDULE_FULL: cron.default('30 2 * * *'),
  FIS_TIMEZONE: z.string().default('Europe/Berlin'),
  FIS_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  FIS_SESSION_IDLE_MINUTES: intFrom(30, 1),
  FIS_LOGIN_MAX_FAILURES: intFrom(5, 1),
  FIS_SECURE_COOKIES: z.enum(['auto', 'true', 'false']).default('auto'),
  FIS_TRUSTED_PROXIES: z
    .string()
    .default('')
    .refine((v) => {
      try {
        parseCidrList(v);
        return true;
      } catch {
        return false;
      }
    }, 'must be a comma-separated list of IP addresses or CIDR ranges, e.g. 127.0.0.1/32,10.0.0.0/8'),
  FIS_OTP_HOURS: intFrom(72, 1),
  FIS_OIDC_ISSUER: z.string().trim().optional().transform((v) => v || undefined).refine((v) => v === undefined || /^https?:\/\//.test(v), 'must be an http(s):// URL'),
  FIS_OIDC_CLIENT_ID: z.string().trim().optional(),
  FIS_OIDC_CLIENT_SECRET: z.string().optional(),
  FIS_OIDC_SCOPES: z.string().trim().default('openid profile email'),
  FIS_OIDC_GROUPS_CLAIM: z.string().trim().min(1).default('groups'),
  FIS_OIDC_NAME: z.string().trim().min(1).default('Single Sign-on'),
  FIS_LOCAL_LOGIN: z.enum(['all', 'admins', 'off']).optional(),
  FIS_PUBLIC_URL: z.string().trim().optional().transform((v) => (v ? v.replace(/\/+$/, '') : undefined)).refine((v) => v === undefined || /^https?:\/\/[^/]+(\/.*)?$/.test(v), 'must be an http(s):// URL'),
  FIS_SMTP_URL: z.string().trim().optional().transform((v) => v || undefined).refine((v) => v === undefined || /^smtps?:\/\/[^/\s]+/.test(v), 'must be an smtp:// (STARTTLS) or smtps:// URL, e.g. smtp://mail.example:587'),
  FIS_MAIL_FROM: z.string().trim().default('FIS <fis@localhost>').refine((v) => /^([^<>]*<)?[^@\s<>]+@[^@\s<>]+>?$/.test(v), 'must be an e-mail address, optionally with a name: FIS <fis@example.org>'),
  FIS_MAIL_ATTACHMENTS: z.enum(['true', 'false']).default('false'),
  FIS_INBOX_DAYS: intFrom(30, 1),
  FIS_METRICS_ALLOW: z
    .string()
    .default('')
    .refine((v) => {
      try {
        parseCidrList(v);
        return true;
      } catch {
        return false;
      }
    }, 'must be a comma-separated list of IP addresses or CIDR ranges'),
  FIS_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  FIS_ALLOW_DEMO: z.enum(['true', 'false']).default('false'),
  FIS_DISCLOSURE: z.enum(['cell-key', 'threshold']).default('cell-key'),
  FIS_RECORD_KEY_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  FIS_CACHE_MB: intFrom(256, 0),
  FIS_QUERY_CONCURRENCY: intFrom(0, 0),
  FIS_WARMUP_SECONDS: intFrom(120, 0),
  FIS_FRESHNESS_HOURS: intFrom(48, 1),
  FIS_ETL_OVERLAP_MINUTES: intFrom(10, 0),
  FIS_ETL_RECONCILE: z.enum(['full-runs', 'always']).default('full-runs'),
  FIS_ETL_RETRIES: intFrom(3, 0),
  FIS_LAKE_DIR: z.string().trim().optional(),
  FIS_WEB_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  PORT: intFrom(3000, 1),
  HOST: z.string().default('127.0.0.1'),
});

export type Env = z.infer<typeof schema>;

export interface Config {
  dataDir: string;
  sources: { asylum?: string; integration?: string };
  appDbUrl?: string;
  codelistDir: string;
  demoPassword: string;
  log: { level: Env['FIS_LOG_LEVEL']; format: 'pretty' | 'json' };
  suppressionMin: number;
  /** statistical disclosure control for users without the unsuppressed right: perturbation (cell-key) or, where it must be, suppression of small counts */
  disclosure: { method: 'cell-key' | 'threshold'; recordKeySecret?: string };
  snapshotsKeep: number;
  schedule: { incremental: string; full: string; timezone: string };
  session: { secret?: string; idleMinutes: number; maxLoginFailures: number; secureCookies: 'auto' | 'true' | 'false'; otpHours: number };
  /** Peers whose X-Forwarded-For is believed (reverse proxies); empty: the socket's address counts. */
  trustedProxies: Cidr[];
  freshnessHours: number;
  etl: { overlapMinutes: number; reconcile: 'full-runs' | 'always'; retries: number; lakeDir?: string };
  /** `workers`: web processes `fis serve` starts behind one port (node:cluster) */
  http: { port: number; host: string; workers: number };
  /** OpenID Connect single sign-on, when an issuer is configured */
  oidc?: { issuer: string; clientId: string; clientSecret?: string; scopes: string; groupsClaim: string; name: string };
  /** who may log in with a local password: everyone, only administrators (break-glass), nobody */
  localLogin: 'all' | 'admins' | 'off';
  /** the address users reach FIS at (links, the OpenID Connect redirect); default: the request's own */
  publicUrl?: string;
  metrics: { allow: Cidr[]; token?: string };
  /** subscriptions: the mail server (none: inbox only), the sender, whether files may be attached (default: a link, not the data), how long the inbox keeps a file */
  mail: { smtpUrl?: string; from: string; attachments: boolean };
  inboxDays: number;
  /** production start with demo users present */
  allowDemo: boolean;
  /** answers kept per process (MiB; 0: no cache), statements run at once (0: one per core), bound of the warm-up after a publication */
  answers: { cacheMb: number; concurrency: number; warmupSeconds: number };
  projectRoot: string;
}

/**
 * Where the project lives; reference data (code lists, map) is read from here. Found by walking up
 * from this module, which also works inside a Next.js build, whose chunks sit below `.next/`.
 */
export const projectRoot = findProjectRoot();

function findProjectRoot(): string {
  try {
    let dir = dirname(fileURLToPath(import.meta.url));
    for (;;) {
      if (existsSync(join(dir, 'reference', 'codelists'))) return dir;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  } catch {
    // not a file: URL (bundled); fall through
  }
  return process.cwd();
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(`Configuration error: ${String(issue.path[0])} ${issue.message}.`, { exitCode: 2 });
  }
  const e = parsed.data;
  if (e.FIS_OIDC_ISSUER && !e.FIS_OIDC_CLIENT_ID) throw new UserError('Configuration error: FIS_OIDC_CLIENT_ID must be set when FIS_OIDC_ISSUER is.', { exitCode: 2 });
  if (e.FIS_LOCAL_LOGIN === 'off' && !e.FIS_OIDC_ISSUER) throw new UserError('Configuration error: FIS_LOCAL_LOGIN=off needs FIS_OIDC_ISSUER (nobody could log in).', { exitCode: 2 });
  return {
    dataDir: resolve(/*turbopackIgnore: true*/ projectRoot, e.FIS_DATA_DIR),
    sources: { asylum: e.FIS_SOURCE_ASYLUM_URL, integration: e.FIS_SOURCE_INTEGRATION_URL },
    appDbUrl: e.FIS_APP_DB_URL,
    codelistDir: resolve(/*turbopackIgnore: true*/ e.FIS_CODELIST_DIR ?? resolve(/*turbopackIgnore: true*/ projectRoot, 'reference/codelists')),
    demoPassword: e.FIS_DEMO_PASSWORD,
    log: { level: e.FIS_LOG_LEVEL, format: e.FIS_LOG_FORMAT ?? (process.stderr.isTTY ? 'pretty' : 'json') },
    suppressionMin: e.FIS_SUPPRESSION_MIN,
    disclosure: { method: e.FIS_DISCLOSURE, recordKeySecret: e.FIS_RECORD_KEY_SECRET },
    snapshotsKeep: e.FIS_SNAPSHOTS_KEEP,
    schedule: { incremental: e.FIS_SCHEDULE_INCREMENTAL, full: e.FIS_SCHEDULE_FULL, timezone: e.FIS_TIMEZONE },
    session: {
      secret: e.FIS_SESSION_SECRET,
      idleMinutes: e.FIS_SESSION_IDLE_MINUTES,
      maxLoginFailures: e.FIS_LOGIN_MAX_FAILURES,
      secureCookies: e.FIS_SECURE_COOKIES,
      otpHours: e.FIS_OTP_HOURS,
    },
    trustedProxies: parseCidrList(e.FIS_TRUSTED_PROXIES),
    freshnessHours: e.FIS_FRESHNESS_HOURS,
    etl: {
      overlapMinutes: e.FIS_ETL_OVERLAP_MINUTES,
      reconcile: e.FIS_ETL_RECONCILE,
      retries: e.FIS_ETL_RETRIES,
      lakeDir: e.FIS_LAKE_DIR ? resolve(/*turbopackIgnore: true*/ projectRoot, e.FIS_LAKE_DIR) : undefined,
    },
    http: { port: e.PORT, host: e.HOST, workers: e.FIS_WEB_WORKERS },
    oidc: e.FIS_OIDC_ISSUER
      ? { issuer: e.FIS_OIDC_ISSUER, clientId: e.FIS_OIDC_CLIENT_ID ?? '', clientSecret: e.FIS_OIDC_CLIENT_SECRET, scopes: e.FIS_OIDC_SCOPES, groupsClaim: e.FIS_OIDC_GROUPS_CLAIM, name: e.FIS_OIDC_NAME }
      : undefined,
    localLogin: e.FIS_LOCAL_LOGIN ?? (e.FIS_OIDC_ISSUER ? 'admins' : 'all'),
    publicUrl: e.FIS_PUBLIC_URL,
    metrics: { allow: parseCidrList(e.FIS_METRICS_ALLOW), token: e.FIS_METRICS_TOKEN },
    mail: { smtpUrl: e.FIS_SMTP_URL, from: e.FIS_MAIL_FROM, attachments: e.FIS_MAIL_ATTACHMENTS === 'true' },
    inboxDays: e.FIS_INBOX_DAYS,
    allowDemo: e.FIS_ALLOW_DEMO === 'true',
    answers: { cacheMb: e.FIS_CACHE_MB, concurrency: e.FIS_QUERY_CONCURRENCY, warmupSeconds: e.FIS_WARMUP_SECONDS },
    projectRoot,
  };
}

let cached: Config | undefined;

/** The configuration of this process, parsed from the environment on first use. */
export function getConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/** The environment for a child process of FIS (this process's, plus overrides). */
export function childEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}

/** Next.js reads its telemetry switch from the environment; FIS never phones home. */
export function disableNextTelemetry(): void {
  process.env.NEXT_TELEMETRY_DISABLED ??= '1';
}
