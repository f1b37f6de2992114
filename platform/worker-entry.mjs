// Worker-thread entry: runs one exported async function of a TypeScript module (through tsx) and
// posts its result or its error back. See platform/worker.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { module, fn, arg } = workerData;
try {
  const m = await import(module);
  const result = await m[fn](arg);
  parentPort.postMessage({ ok: true, result });
} catch (e) {
  parentPort.postMessage({
    ok: false,
    message: e instanceof Error ? e.message : String(e),
    user: e instanceof Error && e.name === 'UserError',
    stack: e instanceof Error ? e.stack : undefined,
  });
}
