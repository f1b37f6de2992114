/**
 * Runs a command action and turns failures into one sentence and an exit code: a user error gets
 * its message; anything else is a bug, reported in one line (the stack only with FIS_LOG_LEVEL=debug).
 */
import { isUserError, oneLine } from '../platform/errors';
import { createLogger } from '../platform/logger';

const log = createLogger('fis');

export function action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void) {
  return async (...args: A): Promise<void> => {
    try {
      await fn(...args);
    } catch (e) {
      fail(e);
    }
  };
}

export function fail(e: unknown): never {
  if (isUserError(e)) {
    process.stderr.write(`fis: ${e.message}\n`);
    process.exit(e.exitCode);
  }
  log.debug('stack', { stack: e instanceof Error ? e.stack : String(e) });
  process.stderr.write(`fis: internal error: ${oneLine(e)} (run with FIS_LOG_LEVEL=debug for details)\n`);
  process.exit(70);
}

/** A repeatable option: every occurrence adds its values (`--by office --by nationality`). */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** An option that takes one value: given twice it is refused with a sentence, never silently overwritten. */
export function once<T = string>(flag: string, parse: (value: string) => T = (v) => v as unknown as T) {
  let seen = false;
  return (value: string): T => {
    if (seen) {
      process.stderr.write(`fis: ${flag} is given twice; give it once.\n`);
      process.exit(2);
    }
    seen = true;
    return parse(value);
  };
}

/** Parses a non-negative integer option, with a one-line error naming the option. */
export function intOption(name: string, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return once(name, (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      process.stderr.write(`fis: ${name} must be a whole number between ${min} and ${max}, not "${value}".\n`);
      process.exit(2);
    }
    return n;
  });
}
