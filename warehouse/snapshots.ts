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
import { answerCache } from './semantic/answer-cache';

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

/** Anything queries run against: the current snapshot (SnapshotReader) or one pinned for a request. */
export interface SnapshotSource {
  /** Runs `fn` against the snapshot; it stays open until `fn` ends. */
  use<T>(fn: (duck: Duck, info: SnapshotInfo) => Promise<T>): Promise<T>;
  /** The snapshot's description (for a reader: the current pointer). */
  info(): SnapshotInfo | undefined;
  /** One snapshot for several questions: the current one (a reader), or itself (a pinned one). */
  pin(): Promise<PinnedSnapshot>;
}

interface Handle {
  info: SnapshotInfo;
  duck: Duck;
  inFlight: number;
  lastUsed: number;
}

/**
 * The current snapshot for reading, switched between queries when a new one is published. Each
 * query holds its snapshot until it ends. A page, a report or an export that asks several
 * questions pins one snapshot (`pin()`), so that all its answers and its Datenstand come from the
 * same one even when a run publishes meanwhile; a superseded snapshot stays open while it is used
 * and for `graceMs` after (pinned requests may still ask), then it is closed.
 */
export interface WarmUp {
  /** what was computed, for the monitor and the log */
  scopes: number;
  answers: number;
  /** pages rendered and kept for the new snapshot (the web app's warm-up) */
  pages?: number;
}

export interface WarmUpRecord extends WarmUp {
  snapshot: string;
  seconds: number;
  /** true when the bound was reached and the readers switched before it was done */
  timedOut: boolean;
  at: string;
}

export interface ReaderOptions {
  /** how long a superseded snapshot stays open after its last use */
  graceMs?: number;
  /**
   * Before switching to a newly published snapshot, this runs against it (the web app computes the
   * default views of its users there, so the first manager after a run meets a warm cache); the
   * readers keep answering from the previous snapshot until it is done or `warmUpMs` have passed.
   */
  warmUp?: (snapshot: PinnedSnapshot) => Promise<WarmUp>;
  warmUpMs?: number;
}

export class SnapshotReader implements SnapshotSource {
  private readonly handles = new Map<string, Handle>();
  private currentId?: string;
  private pointerStamp = '';
  private opening?: Promise<void>;
  private sweeper?: NodeJS.Timeout;
  private warming?: string;
  private lastWarmUp?: WarmUpRecord;

  constructor(
    private readonly dataDir: string,
    private readonly opts: ReaderOptions = {},
  ) {}

  private stamp(): string {
    try {
      const s = statSync(currentPointer(this.dataDir));
      return `${s.mtimeMs}:${s.size}:${s.ino}`;
    } catch {
      return '';
    }
  }

  private async refresh(): Promise<SnapshotInfo> {
    const stamp = this.stamp();
    if (!(this.currentId && stamp === this.pointerStamp)) {
      if (!this.opening) {
        this.opening = (async () => {
          const info = readCurrent(this.dataDir);
          if (!info) {
            throw new UserError('No warehouse snapshot has been published yet; run "fis etl run" first.', { httpStatus: 503 });
          }
          if (!this.handles.has(info.id)) await this.open(info);
          this.pointerStamp = stamp;
          if (info.id === this.currentId || info.id === this.warming) return;
          if (this.currentId && this.opts.warmUp) this.warm(info);
          else this.switchTo(info.id);
        })().finally(() => {
          this.opening = undefined;
        });
      }
      await this.opening;
    }
    return this.handles.get(this.currentId!)!.info;
  }

  private switchTo(id: string): void {
    this.currentId = id;
    this.sweep();
  }

  /** Warms a new snapshot while the current one keeps serving; switches when done or when the time is up. */
  private warm(info: SnapshotInfo): void {
    this.warming = info.id;
    const started = Date.now();
    const bound = this.opts.warmUpMs ?? 120_000;
    let timedOut = false;
    const timer = new Promise<undefined>((resolve) =>
      setTimeout(() => {
        timedOut = true;
        resolve(undefined);
      }, bound).unref(),
    );
    const work = this.opts.warmUp!(new PinnedSnapshot(this, info)).catch(() => undefined);
    const done = (result: WarmUp | undefined) => {
      this.lastWarmUp = { snapshot: info.id, scopes: result?.scopes ?? 0, answers: result?.answers ?? 0, pages: result?.pages ?? 0, seconds: (Date.now() - started) / 1000, timedOut, at: new Date().toISOString() };
    };
    void Promise.race([work, timer]).then((result) => {
      if (this.warming === info.id) {
        this.warming = undefined;
        // only if it is still what the pointer names (a newer one may have come meanwhile)
        if (readCurrent(this.dataDir)?.id === info.id) this.switchTo(info.id);
      }
      if (!timedOut) done(result);
      else void work.then(done);
    });
  }

  /** The last warm-up after a publication (for the pipeline monitor). */
  warmUpRecord(): WarmUpRecord | undefined {
    return this.lastWarmUp;
  }

  /** The snapshot answers come from now (which may lag the pointer while a new one is warmed). */
  serving(): SnapshotInfo | undefined {
    return this.currentId ? this.handles.get(this.currentId)?.info : undefined;
  }

  private async open(info: SnapshotInfo): Promise<Handle> {
    const duck = await openDuck(info.file, { readOnly: true });
    const h: Handle = { info, duck, inFlight: 0, lastUsed: Date.now() };
    this.handles.set(info.id, h);
    return h;
  }

  /** Closes superseded snapshots nobody uses any more (after the grace time). */
  private sweep(): void {
    const grace = this.opts.graceMs ?? 120_000;
    const now = Date.now();
    for (const [id, h] of this.handles) {
      if (id !== this.currentId && id !== this.warming && h.inFlight === 0 && now - h.lastUsed >= grace) {
        this.handles.delete(id);
        h.duck.close();
        answerCache.dropSnapshot(id);
      }
    }
    const waiting = this.handles.size > 1;
    if (waiting && !this.sweeper) {
      this.sweeper = setInterval(() => this.sweep(), Math.max(1000, Math.min(grace, 30_000)));
      this.sweeper.unref();
    } else if (!waiting && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  /** Runs `fn` against a given snapshot, reopening it if it was closed meanwhile. */
  async useSnapshot<T>(info: SnapshotInfo, fn: (duck: Duck, info: SnapshotInfo) => Promise<T>): Promise<T> {
    let h = this.handles.get(info.id);
    if (!h) {
      if (!existsSync(info.file)) {
        throw new UserError('The data was updated while this answer was being prepared; please reload.', { httpStatus: 409 });
      }
      h = await this.open(info);
      this.sweep();
    }
    h.inFlight++;
    h.lastUsed = Date.now();
    try {
      return await fn(h.duck, h.info);
    } finally {
      h.inFlight--;
      h.lastUsed = Date.now();
      if (h.inFlight === 0 && h.info.id !== this.currentId) this.sweep();
    }
  }

  /** Runs `fn` against the current snapshot; the snapshot stays open until `fn` ends. */
  async use<T>(fn: (duck: Duck, info: SnapshotInfo) => Promise<T>): Promise<T> {
    return this.useSnapshot(await this.refresh(), fn);
  }

  /** The current snapshot, fixed: every question asked through the result reads this one. */
  async pin(): Promise<PinnedSnapshot> {
    return new PinnedSnapshot(this, await this.refresh());
  }

  /** The current pointer, read again only when the file changed (a stat instead of a read per question). */
  info(): SnapshotInfo | undefined {
    const stamp = this.stamp();
    if (stamp !== this.infoStamp) {
      this.infoCache = readCurrent(this.dataDir);
      this.infoStamp = stamp;
    }
    return this.infoCache;
  }

  private infoStamp: string | undefined;
  private infoCache: SnapshotInfo | undefined;

  close(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    for (const [id, h] of this.handles) {
      if (h.inFlight === 0) {
        h.duck.close();
        this.handles.delete(id);
        answerCache.dropSnapshot(id);
      }
    }
    this.currentId = undefined;
  }
}

/** One snapshot for all the questions of a request (a page, a report, an export). */
export class PinnedSnapshot implements SnapshotSource {
  constructor(
    private readonly reader: SnapshotReader,
    private readonly snapshot: SnapshotInfo,
  ) {}

  use<T>(fn: (duck: Duck, info: SnapshotInfo) => Promise<T>): Promise<T> {
    return this.reader.useSnapshot(this.snapshot, fn);
  }

  info(): SnapshotInfo {
    return this.snapshot;
  }

  async pin(): Promise<PinnedSnapshot> {
    return this;
  }
}
