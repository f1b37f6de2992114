/**
 * The app-state database (users, role definitions with their history, sessions, the append-only
 * audit log): embedded PGlite under $FIS_DATA_DIR/app by default, PostgreSQL via FIS_APP_DB_URL.
 * Accessed with Kysely through a small driver over our PgClient. Changes that belong together are
 * single statements (CTEs), so they stay atomic even through the shared embedded database.
 */
import { join } from 'node:path';
import {
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Generated,
  type QueryResult,
} from 'kysely';
import { createLogger } from '../platform/logger';
import type { PgClient } from '../platform/pg/client';
import { openPg } from '../platform/pg/open';
import { openSharedPglite } from '../platform/pg/shared';

const log = createLogger('appdb');

export interface UserTable {
  user_id: Generated<string>;
  username: string;
  display_name: string;
  password_hash: string;
  roles: string[];
  offices: string[];
  states: string[];
  active: Generated<boolean>;
  must_change_password: Generated<boolean>;
  failed_logins: Generated<number>;
  locked_until: string | null;
  is_demo: Generated<boolean>;
  /** until when a one-time password opens the password change (null: not a one-time password) */
  otp_expires_at: string | null;
  /** issuer|sub of a user from the identity provider (null: a local user) */
  oidc_subject: string | null;
  /** the groups the identity provider named at the last login */
  oidc_groups: Generated<string[]>;
  /** where subscriptions may send mail (null: inbox only); never a free address of a subscription */
  email: string | null;
  version: Generated<number>;
  created_at: Generated<string>;
  updated_at: Generated<string>;
}

export interface RoleTable {
  name: string;
  label_de: string;
  label_en: string;
  description: string;
  rules: unknown;
  version: number;
  updated_at: Generated<string>;
  updated_by: string;
}

export interface RoleVersionTable {
  name: string;
  version: number;
  label_de: string;
  label_en: string;
  description: string;
  rules: unknown;
  changed_at: Generated<string>;
  changed_by: string;
  deleted: Generated<boolean>;
}

export interface SessionTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  /** the ID token of a single sign-on session, for the provider's logout */
  id_token: string | null;
  created_at: Generated<string>;
  last_seen_at: Generated<string>;
  expires_at: string;
}

export interface AuditTable {
  audit_id: Generated<string>;
  at: Generated<string>;
  actor: string;
  action: string;
  target: string | null;
  outcome: string;
  details: unknown;
}

/** Login attempts per client address and minute (rate limit; shared by all web processes). */
export interface LoginRateTable {
  client: string;
  minute: string;
  count: number;
}

/** Refused attempts per client, account, action, outcome and minute, until they are summarised in the audit log. */
export interface RefusalWindowTable {
  client: string;
  account: string;
  action: string;
  outcome: string;
  minute: string;
  count: number;
}

export interface OidcLoginTable {
  state_hash: string;
  verifier: string;
  nonce: string;
  next: string;
  created_at: Generated<string>;
}

export interface GroupMappingTable {
  group_name: string;
  roles: string[];
  offices: string[];
  states: string[];
  version: number;
  updated_at: Generated<string>;
  updated_by: string;
}

export interface GroupMappingVersionTable {
  group_name: string;
  version: number;
  roles: string[];
  offices: string[];
  states: string[];
  deleted: Generated<boolean>;
  changed_at: Generated<string>;
  changed_by: string;
}

/** A subscription (a report or dashboard delivered as a file) or an alert (a condition on a metric), versioned. */
export interface SubscriptionTable {
  subscription_id: Generated<string>;
  kind: 'report' | 'alert';
  owner: string;
  recipients: string[];
  target_kind: 'report' | 'dashboard';
  target: string;
  /** pdf, xlsx or csv-de (null for an alert) */
  format: string | null;
  /** the URL state of the view (state=09, from=…) */
  filters: unknown;
  /** 'after-publish' or a cron expression in FIS_TIMEZONE */
  schedule: string;
  channel: 'inbox' | 'email-link' | 'email-attachment';
  /** an alert's condition: metric, op, value, window, vs */
  alert: unknown;
  lang: 'de' | 'en';
  active: Generated<boolean>;
  version: Generated<number>;
  next_due_at: string | null;
  last_snapshot: string | null;
  last_run_at: string | null;
  created_at: Generated<string>;
  updated_at: Generated<string>;
  updated_by: string;
}

export interface SubscriptionVersionTable {
  subscription_id: string;
  version: number;
  definition: unknown;
  active: boolean;
  changed_at: Generated<string>;
  changed_by: string;
}

/** One recipient's delivery of one run: who, what, snapshot, format, size, channel, outcome (the delivery history). */
export interface DeliveryTable {
  delivery_id: Generated<string>;
  subscription_id: string;
  recipient: string;
  snapshot: string | null;
  data_as_of: string | null;
  format: string | null;
  channel: string;
  outcome: 'delivered' | 'link' | 'refused' | 'pending' | 'failed';
  reason: string | null;
  bytes: number | null;
  attempts: Generated<number>;
  next_attempt_at: string | null;
  inbox_item_id: string | null;
  created_at: Generated<string>;
  finished_at: string | null;
}

/** What a user finds in the inbox: a file, a link to a view, an alert, a notice to an owner. */
export interface InboxItemTable {
  item_id: Generated<string>;
  recipient: string;
  kind: 'file' | 'link' | 'alert' | 'notice';
  subscription_id: string | null;
  target_kind: string | null;
  target: string | null;
  format: string | null;
  /** the view with the subscription's filters (a path of the app) */
  link: string | null;
  /** the text, as a catalogue key and its values, shown in the reader's language */
  message: unknown;
  filename: string | null;
  content_type: string | null;
  content: Uint8Array | null;
  bytes: number | null;
  snapshot: string | null;
  data_as_of: string | null;
  created_at: Generated<string>;
  read_at: string | null;
  expires_at: string;
}

/** Whether an alert's condition held at its last evaluation, per recipient (an alert fires once per crossing). */
export interface AlertStateTable {
  subscription_id: string;
  recipient: string;
  holds: boolean;
  value: number | null;
  snapshot: string | null;
  checked_at: Generated<string>;
}

/** A personal view: a dashboard's or report's URL with its filters, under a name; at most one default per page and owner. */
export interface SavedViewTable {
  view_id: Generated<string>;
  owner: string;
  name: string;
  /** the page with its filters (/dashboards/pending?state=09&period=last-12-months) */
  path: string;
  /** the page alone (/dashboards/pending): what "default for this dashboard" refers to */
  target: string;
  is_default: Generated<boolean>;
  created_at: Generated<string>;
  updated_at: Generated<string>;
}

/** "Mein FIS": a user's pinned panels and tiles in their order (no row: the start page of their role). */
export interface StartPageTable {
  owner: string;
  items: unknown;
  version: Generated<number>;
  updated_at: Generated<string>;
}

/** The start page a role's new users begin with, set by an administrator (panels only, never figures). */
export interface RoleStartPageTable {
  role: string;
  items: unknown;
  version: Generated<number>;
  updated_at: Generated<string>;
  updated_by: string;
}

/** An event on the time axes: a dated note for everyone or for states / offices, visible to chosen roles. */
export interface ChartEventTable {
  event_id: Generated<string>;
  day: string;
  title: string;
  text: string;
  states: string[];
  offices: string[];
  roles: string[];
  created_by: string;
  created_at: Generated<string>;
}

export interface AppSchema {
  app_user: UserTable;
  role: RoleTable;
  role_version: RoleVersionTable;
  session: SessionTable;
  audit_log: AuditTable;
  login_rate: LoginRateTable;
  refusal_window: RefusalWindowTable;
  oidc_login: OidcLoginTable;
  group_mapping: GroupMappingTable;
  group_mapping_version: GroupMappingVersionTable;
  subscription: SubscriptionTable;
  subscription_version: SubscriptionVersionTable;
  delivery: DeliveryTable;
  inbox_item: InboxItemTable;
  alert_state: AlertStateTable;
  saved_view: SavedViewTable;
  start_page: StartPageTable;
  role_start_page: RoleStartPageTable;
  chart_event: ChartEventTable;
}

export type AppDb = Kysely<AppSchema>;

/** A mutex: one statement at a time on a single connection. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

class ClientConnection implements DatabaseConnection {
  constructor(
    private readonly client: PgClient,
    private readonly mutex: Mutex,
  ) {}
  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    const rows = await this.mutex.run(() => this.client.query<R>(q.sql, q.parameters));
    return { rows, numAffectedRows: undefined };
  }
  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('not supported');
  }
}

class ClientDriver implements Driver {
  private readonly mutex = new Mutex();
  constructor(private readonly client: PgClient) {}
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return new ClientConnection(this.client, this.mutex);
  }
  async beginTransaction(): Promise<void> {
    // atomic changes are single statements here (see the module comment)
    throw new Error('use a single statement');
  }
  async commitTransaction(): Promise<void> {}
  async rollbackTransaction(): Promise<void> {}
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

class ClientDialect implements Dialect {
  constructor(private readonly client: PgClient) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver() {
    return new ClientDriver(this.client);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
}

const MIGRATIONS: Array<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'users, roles, sessions, audit log',
    sql: `
      CREATE TABLE role (
        name text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9-]{1,47}$'),
        label_de text NOT NULL, label_en text NOT NULL, description text NOT NULL DEFAULT '',
        rules jsonb NOT NULL, version integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(), updated_by text NOT NULL);
      CREATE TABLE role_version (
        name text NOT NULL, version integer NOT NULL,
        label_de text NOT NULL, label_en text NOT NULL, description text NOT NULL DEFAULT '',
        rules jsonb NOT NULL, changed_at timestamptz NOT NULL DEFAULT now(), changed_by text NOT NULL,
        deleted boolean NOT NULL DEFAULT false,
        PRIMARY KEY (name, version));
      CREATE TABLE app_user (
        user_id bigserial PRIMARY KEY,
        username text NOT NULL UNIQUE CHECK (username ~ '^[a-z][a-z0-9._-]{1,47}$'),
        display_name text NOT NULL, password_hash text NOT NULL,
        roles text[] NOT NULL DEFAULT '{}', offices text[] NOT NULL DEFAULT '{}', states text[] NOT NULL DEFAULT '{}',
        active boolean NOT NULL DEFAULT true, must_change_password boolean NOT NULL DEFAULT false,
        failed_logins integer NOT NULL DEFAULT 0, locked_until timestamptz,
        is_demo boolean NOT NULL DEFAULT false, version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now());
      CREATE TABLE session (
        id_hash text PRIMARY KEY, user_id bigint NOT NULL REFERENCES app_user ON DELETE CASCADE,
        csrf_token text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(), expires_at timestamptz NOT NULL);
      CREATE INDEX session_user_idx ON session (user_id);
      CREATE TABLE audit_log (
        audit_id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL, action text NOT NULL, target text, outcome text NOT NULL, details jsonb NOT NULL DEFAULT '{}');
      CREATE INDEX audit_log_at_idx ON audit_log (at);
      -- the audit log is append-only
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
      CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();`,
  },
  {
    version: 2,
    name: 'login throttling shared by all web processes, refusals summarised, one-time passwords expire',
    sql: `
      ALTER TABLE app_user ADD COLUMN otp_expires_at timestamptz;
      CREATE TABLE login_rate (client text NOT NULL, minute timestamptz NOT NULL, count integer NOT NULL, PRIMARY KEY (client, minute));
      CREATE TABLE refusal_window (
        client text NOT NULL, account text NOT NULL, action text NOT NULL, outcome text NOT NULL,
        minute timestamptz NOT NULL, count integer NOT NULL, PRIMARY KEY (client, account, action, outcome, minute));`,
  },
  {
    version: 3,
    name: 'single sign-on: users from the identity provider, group mappings with history, logins in progress',
    sql: `
      ALTER TABLE app_user ADD COLUMN oidc_subject text UNIQUE;
      ALTER TABLE app_user ADD COLUMN oidc_groups text[] NOT NULL DEFAULT '{}';
      ALTER TABLE session ADD COLUMN id_token text;
      CREATE TABLE oidc_login (
        state_hash text PRIMARY KEY, verifier text NOT NULL, nonce text NOT NULL, next text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now());
      CREATE TABLE group_mapping (
        group_name text PRIMARY KEY CHECK (length(group_name) BETWEEN 1 AND 200),
        roles text[] NOT NULL, offices text[] NOT NULL DEFAULT '{}', states text[] NOT NULL DEFAULT '{}',
        version integer NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(), updated_by text NOT NULL);
      CREATE TABLE group_mapping_version (
        group_name text NOT NULL, version integer NOT NULL,
        roles text[] NOT NULL, offices text[] NOT NULL, states text[] NOT NULL, deleted boolean NOT NULL DEFAULT false,
        changed_at timestamptz NOT NULL DEFAULT now(), changed_by text NOT NULL, PRIMARY KEY (group_name, version));`,
  },
  {
    version: 4,
    name: 'subscriptions and alerts, their delivery history, the inbox; users have an e-mail address',
    sql: `
      ALTER TABLE app_user ADD COLUMN email text CHECK (email IS NULL OR (length(email) <= 254 AND email ~ '^[^@[:space:]<>]+@[^@[:space:]<>]+$'));
      CREATE TABLE subscription (
        subscription_id bigserial PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('report', 'alert')),
        owner text NOT NULL,
        -- recipients are user names, never an address
        recipients text[] NOT NULL CHECK (cardinality(recipients) BETWEEN 1 AND 500 AND array_to_string(recipients, ',') !~ '@'),
        target_kind text NOT NULL CHECK (target_kind IN ('report', 'dashboard')),
        target text NOT NULL,
        format text CHECK (format IN ('pdf', 'xlsx', 'csv-de')),
        filters jsonb NOT NULL DEFAULT '{}',
        schedule text NOT NULL,
        channel text NOT NULL CHECK (channel IN ('inbox', 'email-link', 'email-attachment')),
        alert jsonb,
        lang text NOT NULL DEFAULT 'de' CHECK (lang IN ('de', 'en')),
        active boolean NOT NULL DEFAULT true,
        version integer NOT NULL DEFAULT 1,
        next_due_at timestamptz, last_snapshot text, last_run_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(), updated_by text NOT NULL,
        CHECK ((kind = 'alert') = (alert IS NOT NULL)), CHECK (kind = 'alert' OR format IS NOT NULL));
      CREATE INDEX subscription_owner_idx ON subscription (owner);
      CREATE TABLE subscription_version (
        subscription_id bigint NOT NULL REFERENCES subscription, version integer NOT NULL,
        definition jsonb NOT NULL, active boolean NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT now(), changed_by text NOT NULL, PRIMARY KEY (subscription_id, version));
      CREATE TABLE inbox_item (
        item_id bigserial PRIMARY KEY, recipient text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('file', 'link', 'alert', 'notice')),
        subscription_id bigint REFERENCES subscription, target_kind text, target text, format text, link text,
        message jsonb NOT NULL DEFAULT '{}', filename text, content_type text, content bytea, bytes integer,
        snapshot text, data_as_of text,
        created_at timestamptz NOT NULL DEFAULT now(), read_at timestamptz, expires_at timestamptz NOT NULL);
      CREATE INDEX inbox_item_recipient_idx ON inbox_item (recipient, item_id);
      CREATE TABLE delivery (
        delivery_id bigserial PRIMARY KEY, subscription_id bigint NOT NULL REFERENCES subscription,
        recipient text NOT NULL, snapshot text, data_as_of text, format text, channel text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('delivered', 'link', 'refused', 'pending', 'failed')),
        reason text, bytes integer, attempts integer NOT NULL DEFAULT 1, next_attempt_at timestamptz,
        inbox_item_id bigint REFERENCES inbox_item ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(), finished_at timestamptz);
      CREATE INDEX delivery_subscription_idx ON delivery (subscription_id, delivery_id);
      CREATE INDEX delivery_pending_idx ON delivery (next_attempt_at) WHERE outcome = 'pending';
      CREATE TABLE alert_state (
        subscription_id bigint NOT NULL REFERENCES subscription, recipient text NOT NULL,
        holds boolean NOT NULL, value double precision, snapshot text, checked_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (subscription_id, recipient));`,
  },
  {
    version: 5,
    name: 'My FIS: personal views, start pages (own and per role), events on the time axes',
    sql: `
      CREATE TABLE saved_view (
        view_id bigserial PRIMARY KEY, owner text NOT NULL,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
        path text NOT NULL CHECK (length(path) <= 2000 AND path ~ '^/(dashboards|reports)/'),
        target text NOT NULL, is_default boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now());
      CREATE INDEX saved_view_owner_idx ON saved_view (owner, view_id);
      -- one default view per page and owner
      CREATE UNIQUE INDEX saved_view_default_idx ON saved_view (owner, target) WHERE is_default;
      CREATE TABLE start_page (
        owner text PRIMARY KEY, items jsonb NOT NULL DEFAULT '[]', version integer NOT NULL DEFAULT 1,
        updated_at timestamptz NOT NULL DEFAULT now());
      CREATE TABLE role_start_page (
        role text PRIMARY KEY, items jsonb NOT NULL DEFAULT '[]', version integer NOT NULL DEFAULT 1,
        updated_at timestamptz NOT NULL DEFAULT now(), updated_by text NOT NULL);
      CREATE TABLE chart_event (
        event_id bigserial PRIMARY KEY, day date NOT NULL,
        title text NOT NULL CHECK (length(title) BETWEEN 1 AND 120), text text NOT NULL DEFAULT '' CHECK (length(text) <= 2000),
        states text[] NOT NULL DEFAULT '{}', offices text[] NOT NULL DEFAULT '{}',
        roles text[] NOT NULL CHECK (cardinality(roles) BETWEEN 1 AND 100),
        created_by text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
      CREATE INDEX chart_event_day_idx ON chart_event (day);`,
  },
];

async function migrate(client: PgClient): Promise<void> {
  await client.exec(`CREATE TABLE IF NOT EXISTS fis_migration (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const done = new Set((await client.query<{ version: number }>(`SELECT version FROM fis_migration`)).map((r) => Number(r.version)));
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) continue;
    await client.exec(`BEGIN; ${m.sql}; INSERT INTO fis_migration (version, name) VALUES (${m.version}, '${m.name.replace(/'/g, "''")}'); COMMIT;`);
    log.info(`app-state database migrated to version ${m.version} (${m.name})`);
  }
}

export interface AppDbHandle {
  db: AppDb;
  client: PgClient;
  close(): Promise<void>;
}

export const appDbDir = (dataDir: string) => join(dataDir, 'app');

/**
 * Opens the app-state database; `serve` hosts an embedded one for other processes (web server).
 * Runs pending migrations.
 */
export async function openAppDb(opts: { dataDir: string; url?: string; serve?: boolean; maxClients?: number }): Promise<AppDbHandle> {
  let client: PgClient;
  let close: () => Promise<void>;
  if (opts.url) {
    client = await openPg({ kind: 'postgres', url: opts.url }, { label: 'app-state database', purpose: 'app', pool: true });
    close = () => client.close();
  } else {
    const shared = await openSharedPglite(appDbDir(opts.dataDir), { label: 'app-state database', serve: opts.serve ?? false, maxClients: opts.maxClients });
    client = shared.client;
    close = shared.close;
  }
  try {
    await migrate(client);
  } catch (e) {
    await close();
    throw e;
  }
  const db = new Kysely<AppSchema>({ dialect: new ClientDialect(client) });
  return { db, client, close };
}
