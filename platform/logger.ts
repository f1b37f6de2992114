/**
 * The one logger. Lines go to stderr (stdout belongs to command output such as `fis query`), as
 * JSON when not attached to a terminal, readable otherwise. `progress()` draws a live line on a
 * terminal and logs every few seconds elsewhere, so long jobs are never silent.
 */
import { getConfig } from './config';

export type Level = 'debug' | 'info' | 'warn' | 'error';
const rank: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
  progress(label: string, total?: number): Progress;
}

export interface Progress {
  /** Reports `done` units (of `total` if known). Cheap: call it as often as you like. */
  update(done: number, total?: number): void;
  /** Ends the line with a summary. */
  finish(summary?: string): void;
}

let settings: { level: Level | 'silent'; format: 'pretty' | 'json' } | undefined;
function current() {
  if (!settings) {
    try {
      settings = getConfig().log;
    } catch {
      settings = { level: 'info', format: 'pretty' };
    }
  }
  return settings;
}

/** For tests and the CLI's `--quiet`: change level or format at run time. */
export function configureLogger(next: Partial<{ level: Level | 'silent'; format: 'pretty' | 'json' }>): void {
  settings = { ...current(), ...next };
}

let liveLine = false;
function clearLive() {
  if (liveLine) {
    process.stderr.write('\r\x1b[K');
    liveLine = false;
  }
}

function write(level: Level, scope: string, msg: string, fields?: Record<string, unknown>) {
  const s = current();
  if (rank[level] < rank[s.level]) return;
  clearLive();
  if (s.format === 'json') {
    process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level, scope, msg, ...fields }) + '\n');
    return;
  }
  const time = new Date().toISOString().slice(11, 19);
  const extra = fields && Object.keys(fields).length
    ? ' ' + Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ')
    : '';
  process.stderr.write(`${time} ${level.toUpperCase().padEnd(5)} ${scope}: ${msg}${extra}\n`);
}

const fmt = new Intl.NumberFormat('en-US');

export function createLogger(scope: string): Logger {
  return {
    debug: (m, f) => write('debug', scope, m, f),
    info: (m, f) => write('info', scope, m, f),
    warn: (m, f) => write('warn', scope, m, f),
    error: (m, f) => write('error', scope, m, f),
    child: (sub) => createLogger(`${scope}.${sub}`),
    progress(label, total) {
      const started = Date.now();
      let last = 0;
      let lastDone = 0;
      let lastTotal = total;
      const tty = process.stderr.isTTY && current().format === 'pretty' && rank.info >= rank[current().level];
      const line = () => {
        const secs = (Date.now() - started) / 1000;
        const pct = lastTotal ? ` ${Math.min(100, Math.floor((lastDone / lastTotal) * 100))}%` : '';
        const rate = secs > 0 ? ` ${fmt.format(Math.round(lastDone / secs))}/s` : '';
        return `${label}: ${fmt.format(lastDone)}${lastTotal ? ' / ' + fmt.format(lastTotal) : ''}${pct}${rate}`;
      };
      return {
        update(done, t) {
          lastDone = done;
          if (t !== undefined) lastTotal = t;
          const now = Date.now();
          if (tty && now - last > 200) {
            last = now;
            process.stderr.write('\r\x1b[K' + `${scope}: ` + line());
            liveLine = true;
          } else if (!tty && now - last > 5000) {
            if (last !== 0) write('info', scope, line());
            last = now;
          }
        },
        finish(summary) {
          const secs = ((Date.now() - started) / 1000).toFixed(1);
          write('info', scope, summary ?? `${line()} (${secs} s)`);
        },
      };
    },
  };
}
