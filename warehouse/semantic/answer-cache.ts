/**
 * The answer cache of a reading process. A snapshot never changes, so an answer computed once for
 * a snapshot is right for as long as that snapshot serves. The key is the snapshot, the compiled
 * statement with its parameters — which contain the asker's row condition and disclosure control —
 * and the disclosure mode: two users with the same effective scope share an entry, users with
 * different scopes never can (their statements differ). Values are finished answers (after
 * disclosure control), frozen. Bounded by bytes (FIS_CACHE_MB), least recently used out first;
 * a snapshot's entries go when it is closed. Identical questions in flight wait for one execution
 * (single flight).
 *
 * The same bound and the same order hold finished views too (`view`/`keepView`): the text a web
 * route wrote for a question — a filter change's panels as the viewer gets them — under the
 * snapshot and a key the route makes of the viewer's kept principal and everything else the text
 * depends on (dashboards/server/view-cache.ts).
 */
import type { QueryResult } from './types';
import { processWide } from '../../platform/process-wide';

export interface CacheStats {
  entries: number;
  bytes: number;
  maxBytes: number;
  hits: number;
  misses: number;
  /** callers that waited for an identical question in flight instead of asking again */
  joined: number;
  evictions: number;
  /** finished views (texts) among the entries, and how often one was found or missing */
  views: { entries: number; hits: number; misses: number };
}

interface Entry {
  snapshot: string;
  value: QueryResult | string;
  bytes: number;
}

/** Rough size in memory of an answer: its JSON in UTF-16 plus the arrays around it. */
const sizeOf = (r: QueryResult) => 2 * JSON.stringify(r.rows).length + 64 * r.rows.length + 512;

function freeze(r: QueryResult): QueryResult {
  for (const row of r.rows) Object.freeze(row);
  Object.freeze(r.rows);
  Object.freeze(r.columns);
  return Object.freeze(r);
}

export class AnswerCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<QueryResult>>();
  private bytes = 0;
  private readonly counts = { hits: 0, misses: 0, joined: 0, evictions: 0 };
  private readonly viewCounts = { entries: 0, hits: 0, misses: 0 };

  constructor(private maxBytes: number) {}

  setMaxBytes(n: number): void {
    this.maxBytes = n;
    this.evict();
  }

  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  /** The answer for `key`: from the cache, from an identical question in flight, or computed now. */
  async get(snapshot: string, key: string, compute: () => Promise<QueryResult>): Promise<QueryResult> {
    if (!this.enabled) return compute();
    const full = `${snapshot}\u0000${key}`;
    const hit = this.entries.get(full);
    if (hit) {
      this.counts.hits++;
      // most recently used last
      this.entries.delete(full);
      this.entries.set(full, hit);
      return hit.value as QueryResult;
    }
    const pending = this.inFlight.get(full);
    if (pending) {
      this.counts.joined++;
      return pending;
    }
    this.counts.misses++;
    const p = compute().then(freeze);
    this.inFlight.set(full, p);
    try {
      const value = await p;
      const bytes = sizeOf(value);
      // an answer larger than an eighth of the cache would push out everything else
      if (bytes <= this.maxBytes / 8) {
        this.entries.set(full, { snapshot, value, bytes });
        this.bytes += bytes;
        this.evict();
      }
      return value;
    } finally {
      this.inFlight.delete(full);
    }
  }

  /** A finished view kept under `key` for `snapshot`, if there is one. */
  view(snapshot: string, key: string): string | undefined {
    if (!this.enabled) return undefined;
    const full = `${snapshot}\u0000view\u0000${key}`;
    const hit = this.entries.get(full);
    if (typeof hit?.value !== 'string') {
      this.viewCounts.misses++;
      return undefined;
    }
    this.viewCounts.hits++;
    this.entries.delete(full);
    this.entries.set(full, hit);
    return hit.value;
  }

  /** Keeps a finished view (not one larger than an eighth of the cache). */
  keepView(snapshot: string, key: string, text: string): void {
    const bytes = 2 * text.length + 256;
    if (!this.enabled || bytes > this.maxBytes / 8) return;
    const full = `${snapshot}\u0000view\u0000${key}`;
    this.remove(full);
    this.entries.set(full, { snapshot, value: text, bytes });
    this.bytes += bytes;
    this.viewCounts.entries++;
    this.evict();
  }

  private remove(k: string): boolean {
    const e = this.entries.get(k);
    if (!e) return false;
    this.entries.delete(k);
    this.bytes -= e.bytes;
    if (typeof e.value === 'string') this.viewCounts.entries--;
    return true;
  }

  private evict(): void {
    for (const k of this.entries.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.remove(k);
      this.counts.evictions++;
    }
  }

  /** Forgets the answers of a snapshot that no longer serves. */
  dropSnapshot(snapshot: string): void {
    for (const [k, e] of this.entries) if (e.snapshot === snapshot) this.remove(k);
  }

  snapshots(): string[] {
    return [...new Set([...this.entries.values()].map((e) => e.snapshot))];
  }

  stats(): CacheStats {
    return { entries: this.entries.size, bytes: this.bytes, maxBytes: this.maxBytes, ...this.counts, views: { ...this.viewCounts } };
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
    this.viewCounts.entries = 0;
  }
}

/**
 * The cache of this process; sized from the configuration by whoever serves (256 MiB by default).
 * Next.js may load this module once per route bundle: the one instance lives on globalThis.
 */
export const answerCache: AnswerCache = processWide('answer-cache', () => new AnswerCache(256 * 2 ** 20));
