/**
 * `fis scheduler`: a long-running process that keeps the warehouse fresh — an incremental run every
 * 15 minutes and a full reconciliation run at night by default (cron expressions configurable).
 * Each run is a child process (`fis etl run`), the same path as a manual run, so a crash of a run
 * never takes the scheduler down. No overlapping runs (the warehouse lock, and a run in progress
 * skips the next tick); failed runs are retried with exponential backoff, a run blocked by a data
 * test is not (retrying cannot fix data). SIGTERM/SIGINT stop scheduling and let a running run
 * finish (up to a limit) before exiting.
 *
 * It also starts the deliveries of subscriptions and alerts — as a child process too (`fis
 * subscriptions deliver --due`; the ETL does not load the dashboards) — after every published
 * snapshot, and when the time a schedule fires or a pending delivery is retried has come
 * (`deliveries.nextDue`, read from a file the deliveries write). One delivery process at a time;
 * a request while one runs starts another when it has finished.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import cron from 'node-cron';
import { projectRoot } from '../platform/config';
import { UserError } from '../platform/errors';
import { createLogger } from '../platform/logger';
import { RUN_EXIT } from './blocked';
import { schedulerStateFile, type SchedulerState } from './history';
import { warehouseDir } from '../warehouse/snapshots';

const log = createLogger('scheduler');

export interface SchedulerOptions {
  dataDir: string;
  incremental: string;
  full: string;
  timezone: string;
  retries: number;
  /** Base delay of the backoff (ms): 1×, 4×, 16× … */
  backoffMs?: number;
  /** How long SIGTERM waits for a running run before stopping it (ms). */
  shutdownGraceMs?: number;
  /** The command that performs a run; default: this project's `fis etl run`. */
  command?: (full: boolean) => { cmd: string; args: string[] };
  /** Deliveries of subscriptions after every publication and when one is due (off when not given). */
  deliveries?: {
    /** default: `fis subscriptions deliver --due` */
    command?: () => { cmd: string; args: string[] };
    /** when the next delivery is due (a schedule's time, a retry), or null */
    nextDue?: () => Date | null;
    /** how often nextDue is looked at (ms, default one minute) */
    pollMs?: number;
  };
}


export interface Scheduler {
  /** Runs one job now (as a tick would); resolves when it and its retries are done. */
  trigger(full: boolean): Promise<void>;
  /** Starts the deliveries now (as after a publication); resolves when they are done. */
  deliver(): Promise<void>;
  stop(): Promise<void>;
  state(): SchedulerState;
}

export function startScheduler(opts: SchedulerOptions): Scheduler {
  for (const [name, expr] of [['incremental', opts.incremental], ['full', opts.full]] as const) {
    if (!cron.validate(expr)) throw new UserError(`The ${name} schedule "${expr}" is not a valid cron expression.`);
  }
  const command = opts.command ?? ((full: boolean) => ({ cmd: process.execPath, args: [join(projectRoot, 'bin/fis.mjs'), 'etl', 'run', '--trigger', 'scheduler', ...(full ? ['--full'] : [])] }));
  const backoff = opts.backoffMs ?? 30_000;
  let child: ChildProcess | undefined;
  let current: Promise<void> | undefined;
  let stopping = false;
  const state: SchedulerState = {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    schedules: { incremental: opts.incremental, full: opts.full, timezone: opts.timezone },
    next: { incremental: null, full: null },
    running: null,
  };

  const spawnChild = ({ cmd, args }: { cmd: string; args: string[] }, onStart: (c: ChildProcess | undefined) => void): Promise<number> =>
    new Promise((resolve) => {
      const c = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
      onStart(c);
      c.on('exit', (code, signal) => {
        onStart(undefined);
        resolve(code ?? (signal ? 128 : 1));
      });
      c.on('error', () => resolve(1));
    });
  const once = (full: boolean): Promise<number> => spawnChild(command(full), (c) => (child = c));

  // deliveries: one process at a time; asked for meanwhile, one more afterwards
  const deliveries = opts.deliveries;
  const deliveryCommand = deliveries?.command ?? (() => ({ cmd: process.execPath, args: [join(projectRoot, 'bin/fis.mjs'), 'subscriptions', 'deliver', '--due'] }));
  let delivering: Promise<void> | undefined;
  let deliverAgain = false;
  let deliveryChild: ChildProcess | undefined;
  const deliver = (): Promise<void> => {
    if (!deliveries || stopping) return Promise.resolve();
    if (delivering) {
      deliverAgain = true;
      return delivering;
    }
    delivering = (async () => {
      do {
        deliverAgain = false;
        const code = await spawnChild(deliveryCommand(), (c) => (deliveryChild = c));
        // exit 1: a delivery is pending or failed — retried by its own schedule (nextDue), not here
        if (code !== 0) log.warn(`deliveries ended with exit ${code}; pending ones are retried when due`);
      } while (deliverAgain && !stopping);
    })().finally(() => {
      delivering = undefined;
    });
    return delivering;
  };
  const poll = deliveries?.nextDue
    ? setInterval(() => {
        const at = deliveries.nextDue!();
        if (at && at.getTime() <= Date.now()) void deliver();
      }, deliveries.pollMs ?? 60_000)
    : undefined;
  poll?.unref();

  const job = async (full: boolean) => {
    const mode = full ? 'full' : 'incremental';
    for (let attempt = 1; ; attempt++) {
      state.running = { mode, since: new Date().toISOString(), attempt };
      persist();
      log.info(`starting ${mode} run${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
      const code = await once(full);
      // exit codes of `fis etl run`: 0 published, 3 blocked by a data test, 75 warehouse busy, else failed
      if (code === 0 || code === RUN_EXIT.blocked || code === RUN_EXIT.busy || stopping || attempt > opts.retries) {
        const status = code === 0 ? 'succeeded' : code === RUN_EXIT.blocked ? 'blocked' : 'failed';
        if (code === RUN_EXIT.busy) log.info('another run holds the warehouse; this tick is skipped');
        else log[code === 0 ? 'info' : 'warn'](`${mode} run ${status}${code !== 0 ? ` (exit ${code})` : ''}`);
        state.running = null;
        state.last = { mode, endedAt: new Date().toISOString(), status, attempts: attempt };
        persist();
        // a new snapshot: subscriptions and alerts that wait for one are due
        if (code === 0) void deliver();
        return;
      }
      const delay = backoff * 4 ** (attempt - 1);
      log.warn(`${mode} run failed (exit ${code}); retrying in ${Math.round(delay / 1000)} s`);
      await new Promise((r) => setTimeout(r, delay));
    }
  };

  const tick = (full: boolean) => {
    if (stopping) return Promise.resolve();
    if (current) {
      log.info(`a run is still in progress; the ${full ? 'full' : 'incremental'} tick is skipped`);
      return current;
    }
    current = job(full).finally(() => {
      current = undefined;
    });
    return current;
  };

  const tasks = [
    cron.schedule(opts.incremental, () => void tick(false), { name: 'fis-incremental', timezone: opts.timezone, noOverlap: true }),
    cron.schedule(opts.full, () => void tick(true), { name: 'fis-full', timezone: opts.timezone, noOverlap: true }),
  ];
  function persist() {
    state.next = { incremental: tasks[0]?.getNextRun()?.toISOString() ?? null, full: tasks[1]?.getNextRun()?.toISOString() ?? null };
    try {
      writeFileSync(schedulerStateFile(opts.dataDir), JSON.stringify(state, null, 2) + '\n');
    } catch {
      // the monitor shows "unknown"; scheduling goes on
    }
  }
  mkdirSync(warehouseDir(opts.dataDir), { recursive: true });
  persist();
  log.info(`scheduled: incremental "${opts.incremental}", full "${opts.full}" (${opts.timezone}); next incremental ${state.next.incremental}`);

  return {
    trigger: (full) => tick(full),
    deliver,
    state: () => state,
    async stop() {
      stopping = true;
      if (poll) clearInterval(poll);
      for (const t of tasks) await t.stop();
      for (const t of tasks) await t.destroy();
      if (current) {
        log.info('waiting for the running run to finish');
        const grace = new Promise<void>((r) => setTimeout(r, opts.shutdownGraceMs ?? 120_000).unref());
        await Promise.race([current, grace]);
        if (child) {
          log.warn('stopping the running run (the previous snapshot keeps serving)');
          child.kill('SIGTERM');
          await current;
        }
      }
      if (delivering) {
        const grace = new Promise<void>((r) => setTimeout(r, opts.shutdownGraceMs ?? 120_000).unref());
        await Promise.race([delivering, grace]);
        deliveryChild?.kill('SIGTERM');
        await delivering;
      }
      rmSync(schedulerStateFile(opts.dataDir), { force: true });
      log.info('stopped');
    },
  };
}
