import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/helpers';
import { openDuck } from './duckdb';

describe('DuckDB access', () => {
  it('shares one instance between handles opened at the same moment, open until the last closes', async () => {
    const t = tempDir();
    const file = join(t.dir, 'x.duckdb');
    const w = await openDuck(file);
    await w.run('CREATE TABLE t AS SELECT 42 AS n');
    w.close();
    // a reader switching snapshots and an ETL run reading the same file, both at once
    const [a, b] = await Promise.all([openDuck(file, { readOnly: true }), openDuck(file, { readOnly: true })]);
    a.close();
    expect(await b.all('SELECT n FROM t')).toEqual([{ n: 42 }]);
    b.close();
    await expect(b.all('SELECT n FROM t')).rejects.toThrow();
    const c = await openDuck(file, { readOnly: true });
    expect(await c.all('SELECT n FROM t')).toEqual([{ n: 42 }]);
    c.close();
    t.cleanup();
  });

  it('opens a file that could not be opened before, once it can be', async () => {
    const t = tempDir();
    const dir = join(t.dir, 'later');
    await expect(openDuck(join(dir, 'x.duckdb'))).rejects.toThrow();
    // a failed open must not stay cached
    mkdirSync(dir);
    const d = await openDuck(join(dir, 'x.duckdb'));
    expect(await d.all('SELECT 1 AS n')).toEqual([{ n: 1 }]);
    d.close();
    t.cleanup();
  });
});
