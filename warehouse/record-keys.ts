/**
 * Record keys for the cell-key method (warehouse/semantic/disclosure.ts). Every fact row that a
 * count counts carries a record key: an integer, uniform in [0, 2^31), fixed for the life of its
 * source row — derived from the source table and primary key with a secret, so it is the same in
 * every run and snapshot and cannot be recomputed from outside. A cell's key is the fractional part
 * of the sum of its rows' keys (in units of 2^31), so the same rows always give the same cell key,
 * whichever question produced the cell, and rollups (which sum the keys) agree with the facts.
 *
 * The hash is DuckDB's own (fast: 25 M rows in a fraction of a second), keyed by the secret; the keys
 * never leave the warehouse — a user sees only perturbed counts. The secret comes from
 * FIS_RECORD_KEY_SECRET or is made once per installation in $FIS_DATA_DIR/warehouse/record-key.secret.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Session } from './duckdb';

export const RECORD_KEY_SCALE = 2 ** 31;
const VARIABLE = 'fis_record_key_secret';

/** SQL of the record key of a row of `table` (a source table name) with primary key `keyExpr`. */
export const recordKeySql = (table: string, keyExpr: string) => `CAST(hash(getvariable('${VARIABLE}'), '${table}', ${keyExpr}) % ${RECORD_KEY_SCALE} AS BIGINT)`;

export const secretFile = (dataDir: string) => join(dataDir, 'warehouse', 'record-key.secret');

/** The installation's secret: configured, or read from (and on first use written to) the data directory. */
export function recordKeySecret(dataDir: string, configured?: string): string {
  if (configured) return configured;
  const file = secretFile(dataDir);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('hex');
  // exclusive: two first runs at once agree on one secret
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch {
    return readFileSync(file, 'utf8').trim();
  }
}

/** Makes the secret known to the statements of a build on this connection. */
export async function useRecordKeys(con: Session, secret: string): Promise<void> {
  await con.run(`SET VARIABLE ${VARIABLE} = '${secret.replace(/'/g, "''")}'`);
}

/** For the build fingerprint: another secret gives other keys, so a snapshot built with one cannot be patched with the other. */
export const secretFingerprint = (secret: string) => createHash('sha256').update(`fis-record-keys\n${secret}`).digest('hex').slice(0, 16);
