/**
 * Runs an exported async function of a module in a worker thread and returns its result. For work
 * that is CPU-bound in JavaScript or WebAssembly (PGlite), so two of them use both cores.
 */
import { Worker } from 'node:worker_threads';
import { UserError } from './errors';

export function runInWorker<T>(module: URL, fn: string, arg: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), { workerData: { module: module.href, fn, arg } });
    let settled = false;
    worker.once('message', (m: { ok: true; result: T } | { ok: false; message: string; user: boolean; stack?: string }) => {
      settled = true;
      if (m.ok) resolve(m.result);
      else {
        const e = m.user ? new UserError(m.message) : new Error(m.message);
        if (m.stack) e.stack = m.stack;
        reject(e);
      }
    });
    worker.once('error', (e) => {
      if (settled) return;
      settled = true;
      reject(e);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`worker for ${fn} stopped unexpectedly (exit ${code})`));
    });
  });
}
