import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { RECORD_KEY_SCALE, recordKeySecret, recordKeySql, secretFile, secretFingerprint } from '../record-keys';
import { PTABLE, noiseSql } from './disclosure';
import { noise } from './ptable';

describe('perturbation in SQL', () => {
  it('adds exactly the noise of the perturbation table, for every count and cell key', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const keys = Array.from({ length: 400 }, (_, i) => Math.floor((i / 400) * RECORD_KEY_SCALE) + 7);
    const r = await con.runAndReadAll(
      `SELECT n, k, ${noiseSql('n', 'k')} AS e FROM range(0, 12) a(n), (SELECT unnest([${keys.join(',')}]) AS k) b`,
    );
    let checked = 0;
    for (const [n, k, e] of r.getRows() as Array<[bigint, number, number]>) {
      const ck = (Number(k) % RECORD_KEY_SCALE) / RECORD_KEY_SCALE;
      expect(Number(e), `n=${n} ck=${ck}`).toBe(noise(PTABLE, Number(n), ck));
      if (Number(n) + Number(e) === 1 || Number(n) + Number(e) === 2) throw new Error(`published ${Number(n) + Number(e)}`);
      checked++;
    }
    expect(checked).toBe(12 * 400);
    // sums of keys beyond 2^31 wrap: the fractional part of the sum in units of 2^31
    const wrap = await con.runAndReadAll(`SELECT ${noiseSql('7', String(5 * RECORD_KEY_SCALE + 123))} AS a, ${noiseSql('7', '123')} AS b`);
    expect(wrap.getRows()[0]![0]).toBe(wrap.getRows()[0]![1]);
    con.closeSync();
  });
});

describe('record keys', () => {
  it('come from a secret made once per installation (0600), or configured; another secret is another fingerprint', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fis-rk-'));
    try {
      const a = recordKeySecret(dir);
      expect(a).toMatch(/^[0-9a-f]{64}$/);
      expect(recordKeySecret(dir)).toBe(a);
      expect(readFileSync(secretFile(dir), 'utf8').trim()).toBe(a);
      expect(statSync(secretFile(dir)).mode & 0o777).toBe(0o600);
      expect(recordKeySecret(dir, 'configured-secret-0123456789abcdef')).toBe('configured-secret-0123456789abcdef');
      expect(secretFingerprint(a)).not.toBe(secretFingerprint('configured-secret-0123456789abcdef'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('are stable per row, uniform, and differ between tables with the same key', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    await con.run(`SET VARIABLE fis_record_key_secret = 'a-secret-for-this-test-0123456789'`);
    const sql = (table: string) => `SELECT i, ${recordKeySql(table, 'i')} AS k FROM range(1, 20001) t(i) ORDER BY i`;
    const a = (await con.runAndReadAll(sql('asyl.application'))).getRows().map((r) => Number(r[1]));
    const again = (await con.runAndReadAll(sql('asyl.application'))).getRows().map((r) => Number(r[1]));
    const other = (await con.runAndReadAll(sql('asyl.decision'))).getRows().map((r) => Number(r[1]));
    expect(again).toEqual(a);
    expect(a.filter((k, i) => k === other[i]).length).toBeLessThan(5);
    expect(a.every((k) => k >= 0 && k < RECORD_KEY_SCALE)).toBe(true);
    // uniform: each tenth of the range holds about a tenth of the keys
    for (let d = 0; d < 10; d++) {
      const share = a.filter((k) => Math.floor((k / RECORD_KEY_SCALE) * 10) === d).length / a.length;
      expect(share).toBeGreaterThan(0.09);
      expect(share).toBeLessThan(0.11);
    }
    await con.run(`SET VARIABLE fis_record_key_secret = 'another-secret-0123456789abcdefgh'`);
    const otherSecret = (await con.runAndReadAll(sql('asyl.application'))).getRows().map((r) => Number(r[1]));
    expect(otherSecret.filter((k, i) => k === a[i]).length).toBeLessThan(5);
    con.closeSync();
  });
});
