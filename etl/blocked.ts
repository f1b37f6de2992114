/**
 * How a run of `fis etl run` ends besides published (exit 0) or failed (exit 1) — a contract for
 * the scheduler and for scripts: blocked by a data test (3), or the warehouse held by another run
 * (75, the warehouse lock's exit code: platform/lock.ts). A blocked run is not retried: retrying
 * cannot fix data.
 */
import { UserError } from '../platform/errors';
import type { DqResult } from '../warehouse/quality';

export const RUN_EXIT = { blocked: 3, busy: 75 } as const;

/** Publication refused because error-level data tests failed; the run is recorded as blocked. */
export class BlockedError extends UserError {
  readonly failed: readonly DqResult[];

  constructor(failed: readonly DqResult[]) {
    const first = failed[0]!;
    super(`Publication blocked: ${failed.length} data test(s) failed, first: ${first.check} (${first.failing} failing).`, { exitCode: RUN_EXIT.blocked });
    this.failed = failed;
  }
}
