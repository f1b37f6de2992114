import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { TEXT_TYPES, quoteIdent, type PgClient } from './client';

const textOids = new Set<number>(Object.values(TEXT_TYPES));
export const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (textOids.has(oid)) return (v: string) => v;
    return pg.types.getTypeParser(oid, format ?? 'text');
  },
} as pg.CustomTypesConfig;

/** A connected pg.Client as a PgClient. Connection errors propagate to the caller. */
export async function openNodePg(url: string, description: string): Promise<PgClient> {
  const client = new pg.Client({
    connectionString: url,
    types: pgTypes,
    application_name: 'fis',
    connectionTimeoutMillis: 5000,
    options: '-c TimeZone=UTC -c DateStyle=ISO,YMD',
  });
  // A dropped connection must not crash the process: the next query reports it instead.
  client.on('error', () => {});
  await client.connect();
  return wrapNodePg(client, description);
}

export function wrapNodePg(client: pg.Client, description: string): PgClient {
  let closed = false;
  return {
    engine: 'postgres',
    description,
    async query<R>(text: string, params: readonly unknown[] = []) {
      const res = await client.query(text, params as unknown[]);
      return res.rows as R[];
    },
    async exec(script) {
      await client.query(script);
    },
    async copyIn(table, columns, csv) {
      if (csv.length === 0) return;
      const stream = client.query(
        copyFrom(`COPY ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) FROM STDIN WITH (FORMAT csv)`),
      );
      await pipeline(
        (async function* () {
          // hand the data over in pieces so the socket's buffers stay small
          const step = 1 << 20;
          for (let i = 0; i < csv.length; i += step) yield csv.slice(i, i + step);
        })(),
        stream,
      );
    },
    async copyOutToFile(select, file) {
      const stream = client.query(copyTo(`COPY (${select}) TO STDOUT WITH (FORMAT csv, HEADER)`));
      const out = createWriteStream(file);
      await pipeline(stream, out);
      return out.bytesWritten;
    },
    async close() {
      if (closed) return;
      closed = true;
      await client.end();
    },
  };
}

/**
 * A pool of connections as a PgClient, for the app-state database of long-running processes: a
 * server that restarts (or a failover) costs the queries made meanwhile, not the process — the
 * next query opens a new connection. Bulk transfer is not needed there.
 */
export async function openNodePgPool(url: string, description: string): Promise<PgClient> {
  const pool = new pg.Pool({
    connectionString: url,
    types: pgTypes,
    application_name: 'fis',
    connectionTimeoutMillis: 5000,
    max: 4,
    idleTimeoutMillis: 60_000,
    options: '-c TimeZone=UTC -c DateStyle=ISO,YMD',
  });
  pool.on('error', () => {});
  // fail at start as the single client does, with the same reasons
  (await pool.connect()).release();
  let closed = false;
  return {
    engine: 'postgres',
    description,
    async query<R>(text: string, params: readonly unknown[] = []) {
      return (await pool.query(text, params as unknown[])).rows as R[];
    },
    async exec(script) {
      await pool.query(script);
    },
    async copyIn() {
      throw new Error('bulk load is not offered on the app-state pool');
    },
    async copyOutToFile() {
      throw new Error('bulk unload is not offered on the app-state pool');
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
