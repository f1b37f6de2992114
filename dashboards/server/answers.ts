/** How this web process answers: the answer cache, the statement queue, the last warm-up — for the pipeline monitor. */
import 'server-only';
import { answerCache, type CacheStats } from '../../warehouse/semantic/answer-cache';
import type { WarmUpRecord } from '../../warehouse/snapshots';
import { statementQueue, type QueueStats } from '../../warehouse/statement-queue';
import { services } from './services';

export interface AnswersStatus {
  cache: CacheStats & { hitRatio: number | null };
  queue: QueueStats;
  warmUp: WarmUpRecord | null;
  /** the snapshot answers come from now (it lags the pointer while a new one is warmed) */
  serving: string | null;
}

export function answersStatus(): AnswersStatus {
  const c = answerCache.stats();
  const asked = c.hits + c.misses + c.joined;
  return {
    cache: { ...c, hitRatio: asked ? (c.hits + c.joined) / asked : null },
    queue: statementQueue.stats(),
    warmUp: services().reader.warmUpRecord() ?? null,
    serving: services().reader.serving()?.id ?? null,
  };
}
