/**
 * Snapshot publication. DuckDB allows one read-write process or many read-only ones per file,
 * never both across processes, so every ETL run builds a new database file and publishes it by an
 * atomic pointer swap: `CURRENT` names the live snapshot and is replaced by rename. Readers open
 * the current snapshot READ_ONLY and switch to a new one between queries. A crash at any point
 * leaves the last good snapshot serving.
 *
 * Layout under $FIS_DATA_DIR/warehouse:
 *   CURRENT                    JSON pointer to the live snapshot
 *   snapshots/<id>.duckdb      published snapshots (immutable); <id>.building while being built
 *   staging.duckdb             the raw mirror of the sources (written only by the ETL)
 *   runs/<run id>.json         run history
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../platform/errors';
import { openDuck, type Duck } from './duckdb';

export interface SnapshotInfo {
  id: string;
  file: string;
  runId: string;
  mode: 'full' | 'incremental';
  publishedAt: string;
  /** The latest source change the snapshot contains (max updated_at over the sources). */
  dataAsOf: string | null;
}

export const warehouseDir = (dataDir: string) => join(dataDir, 'warehouse');
export const snapshotsDir = (dataDir: string) => join(warehouseDir(dataDir), 'snapshots');
export const currentPointer = (dataDir: string) => join(warehouseDir(dataDir), 'CURRENT');
export const stagingFile = (dataDir: string) => join(warehouseDir(dataDir), 'staging.duckdb');

export function readCurrent(dataDir: string): SnapshotInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(currentPointer(dataDir), 'utf8')) as SnapshotInfo;
    return { ...info, file: join(snapshotsDir(dataDir), `${info.id}.duckdb`) };
  } catch {
    return undefined;
  }
}

/** A new snapshot id: sortable by time. */
export function newSnapshotId(now = new Date()): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z') + '-' + Math.random().toString(36).slice(2, 6);
}

export function buildingFile(dataDir: string, id: string): string {
  mkdirSync(snapshotsDir(dataDir), { recursive: true });
  return join(snapshotsDir(dataDir), `${id}.building`);
}

function writeFileDurably(path: string, content: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o644);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    fsyncSync(fd);
    closeSync(fd);
  } catch {
    // not supported everywhere; the rename is still atomic
  }
}

/** Publishes a closed, checkpointed building file: rename into place, then swap the pointer. */
export function publishSnapshot(dataDir: string, info: Omit<SnapshotInfo, 'file' | 'publishedAt'>): SnapshotInfo {
  const building = join(snapshotsDir(dataDir), `${info.id}.building`);
  const final = join(snapshotsDir(dataDir), `${info.id}.duckdb`);
  // the building file must be complete on disk before anything points at it
  const fd = openSync(building, 'r+');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(building, final);
  fsyncDir(snapshotsDir(dataDir));
  const published: SnapshotInfo = { ...info, file: final, publishedAt: new Date().toISOString() };
  const { file: _file, ...pointer } = published;
  writeFileDurably(currentPointer(dataDir), JSON.stringify(pointer, null, 2) + '\n');
  fsyncDir(warehouseDir(dataDir));
  return published;
}

/**
 * Removes old snapshots beyond the newest `keep` (never the current one) and leftovers of crashed
 * builds. Readers that still have an old file open keep reading it: on POSIX an unlinked open file
 * lives until closed.
 */
export function gcSnapshots(dataDir: string, keep: number): string[] {
  const dir = snapshotsDir(dataDir);
  if (!existsSync(dir)) return [];
  const current = readCurrent(dataDir)?.id;
  const removed: string[] = [];
  const files = readdirSync(dir);
  for (const f of files) {
    if (f.endsWith('.building') || f.endsWith('.building.wal') || /\.tmp-\d+$/.test(f)) {
      rmSync(join(dir, f), { force: true });
      removed.push(f);
    }
  }
  const published = files.filter((f) => f.endsWith('.duckdb')).sort().reverse();
  let kept = 0;
  for (const f of published) {
    const id = f.replace(/\.duckdb$/, '');
    if (id === current || kept < keep) {
      kept++;
      continue;
    }
    rmSync(join(dir, f), { force: true });
    rmSync(join(dir, `${f}.wal`), { force: true });
    removed.push(f);
  }
  return removed;
}

/**
 * The current snapshot for reading, switched between queries when a new one is published. Each
 * query holds its snapshot until it ends; a superseded snapshot is closed when its last query ends.
 */
export class SnapshotReader {
  private handle?: { info: SnapshotInfo; duck: Duck; inFlight: number; superseded: boolean };
  private pointerStamp = '';
  private opening?: Promise<void>;

  constructor(private readonly dataDir: string) {}

  private stamp(): string {
    try {
      const s = statSync(currentPointer(this.dataDir));
      return `${s.mtimeMs}:${s.size}:${s.ino}`;
    } catch {
      return '';
    }
  }

  private async refresh(): Promise<void> {
    const stamp = this.stamp();
    if (this.handle && stamp === this.pointerStamp) return;
    if (this.opening) return this.opening;
    this.opening = (async () => {
      const info = readCurrent(this.dataDir);
      if (!info) {
        throw new UserError('No warehouse snapshot has been published yet; run "fis etl run" first.', { httpStatus: 503 });
      }
      if (this.handle?.info.id === info.id) {
        this.pointerStamp = stamp;
        return;
      }
      const duck = await openDuck(info.file, { readOnly: true });
      const old = this.handle;
      this.handle = { info, duck, inFlight: 0, superseded: false };
      this.pointerStamp = stamp;
      if (old) {
        old.superseded = true;
        if (old.inFlight === 0) old.duck.close();
      }
    })().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  /** Runs `fn` against the current snapshot; the snapshot stays open until `fn` ends. */
  async use<T>(fn: (duck: Duck, info: SnapshotInfo) => Promise<T>): Promise<T> {
    await this.refresh();
    const h = this.handle!;
    h.inFlight++;
    try {
      return await fn(h.duck, h.info);
    } finally {
      h.inFlight--;
      if (h.superseded && h.inFlight === 0) h.duck.close();
    }
  }

  info(): SnapshotInfo | undefined {
    return readCurrent(this.dataDir);
  }

  close(): void {
    if (this.handle && this.handle.inFlight === 0) this.handle.duck.close();
    this.handle = undefined;
  }
}
