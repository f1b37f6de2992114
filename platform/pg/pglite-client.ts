import { cpSync, createWriteStream, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { threadId } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { TEXT_TYPES, quoteIdent, type PgClient } from './client';

const asText = (v: string) => v;
export const pgliteParsers = Object.fromEntries(Object.values(TEXT_TYPES).map((oid) => [oid, asText]));

/**
 * A fresh PGlite database runs initdb, which takes seconds. Instead an empty cluster is made once
 * per PGlite version, kept in the temp directory, and copied: ten times faster.
 */
async function copyEmptyCluster(dir: string): Promise<void> {
  const template = join(tmpdir(), `fis-pglite-template-${pgliteVersion()}`);
  if (!existsSync(join(template, 'PG_VERSION'))) {
    // unique per process and thread: the two fixture builds run in worker threads of one process
    const tmp = `${template}.${process.pid}.${threadId}.${randomBytes(4).toString('hex')}`;
    rmSync(tmp, { recursive: true, force: true });
    const db = await PGlite.create(tmp);
    await db.close();
    try {
      renameSync(tmp, template);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another process won the race
    }
  }
  cpSync(template, dir, { recursive: true });
}

function pgliteVersion(): string {
  try {
    let dir = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
    while (!existsSync(join(dir, 'package.json')) || !readFileSync(join(dir, 'package.json'), 'utf8').includes('"@electric-sql/pglite"')) {
      const up = dirname(dir);
      if (up === dir) return 'unknown';
      dir = up;
    }
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** A PGlite database as a PgClient. The caller owns locking of the data directory. */
export async function openPglite(dir: string, onClose?: () => void): Promise<PgClient> {
  if (!existsSync(join(dir, 'PG_VERSION'))) await copyEmptyCluster(dir);
  const db = await PGlite.create(dir, { parsers: pgliteParsers });
  await db.exec(`SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD';`);
  return wrapPglite(db, `PGlite at ${dir}`, onClose);
}

export function wrapPglite(db: PGlite, description: string, onClose?: () => void): PgClient {
  let closed = false;
  return {
    engine: 'pglite',
    description,
    async query<R>(text: string, params: readonly unknown[] = []) {
      const res = await db.query<R>(text, params as unknown[]);
      return res.rows;
    },
    async exec(script) {
      await db.exec(script);
    },
    async copyIn(table, columns, csv) {
      if (csv.length === 0) return;
      await db.query(
        `COPY ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`,
        [],
        { blob: new Blob([csv as string | Uint8Array<ArrayBuffer>]) },
      );
    },
    async copyOutToFile(select, file) {
      const res = await db.query(`COPY (${select}) TO '/dev/blob' WITH (FORMAT csv, HEADER)`);
      const blob = res.blob ?? new Blob([]);
      await pipeline(Readable.fromWeb(blob.stream() as unknown as WebReadableStream), createWriteStream(file));
      return blob.size;
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await db.close();
      } finally {
        onClose?.();
      }
    },
  };
}
