/**
 * The benchmark harness: sections record figures (value, unit, target), the harness prints them
 * next to their targets with a description of the machine and writes bench/results/<date>-<profile>.json
 * and .md. Timings are measured here, never asserted in tests.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../platform/config';
import { startPgCluster, type PgCluster } from '../test/pg-server';

export interface Figure {
  section: string;
  name: string;
  value: number;
  unit: string;
  /** e.g. '<= 300' or '>= 20' */
  target?: string;
  note?: string;
}

export interface BenchContext {
  profile: 'national' | 'demo';
  quick: boolean;
  /** Where benchmark data lives (reused between runs where a section says so). */
  dataRoot: string;
  record(f: Figure): void;
  /** A PostgreSQL server for the comparisons, started on first use. */
  pg(): Promise<PgCluster>;
  log(msg: string): void;
}

export function meets(value: number, target?: string): boolean | undefined {
  if (!target) return undefined;
  const m = /^(<=|>=)\s*([\d.]+)/.exec(target);
  if (!m) return undefined;
  return m[1] === '<=' ? value <= Number(m[2]) : value >= Number(m[2]);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export function machine(): Record<string, string> {
  return {
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

export async function runBench(
  opts: { profile: 'national' | 'demo'; quick: boolean; only?: string },
  sections: Array<[string, (ctx: BenchContext) => Promise<void>]>,
): Promise<void> {
  const figures: Figure[] = [];
  let cluster: PgCluster | undefined;
  const started = Date.now();
  const ctx: BenchContext = {
    profile: opts.profile,
    quick: opts.quick,
    dataRoot: join(projectRoot, 'data', 'bench'),
    record(f) {
      figures.push(f);
      const ok = meets(f.value, f.target);
      process.stderr.write(`bench: ${f.section} · ${f.name}: ${fmt(f.value)} ${f.unit}${f.target ? ` (target ${f.target}${ok === undefined ? '' : ok ? ', met' : ', missed'})` : ''}\n`);
    },
    async pg() {
      cluster ??= await startPgCluster();
      return cluster;
    },
    log: (msg) => process.stderr.write(`bench: ${msg}\n`),
  };
  mkdirSync(ctx.dataRoot, { recursive: true });
  try {
    for (const [name, fn] of sections) {
      if (opts.only && !opts.only.split(',').includes(name)) continue;
      ctx.log(`— ${name} —`);
      await fn(ctx);
    }
  } finally {
    cluster?.stop();
  }
  const date = new Date().toISOString().slice(0, 10);
  const env = machine();
  const result = { date, profile: opts.profile, quick: opts.quick, minutes: (Date.now() - started) / 60_000, machine: env, figures };
  const dir = join(projectRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `${date}-${opts.quick ? 'quick' : opts.profile}`);
  writeFileSync(`${base}.json`, JSON.stringify(result, null, 2) + '\n');
  const md = markdown(result);
  writeFileSync(`${base}.md`, md);
  process.stdout.write('\n' + md);
  process.stderr.write(`bench: results in ${base}.json and .md\n`);
}

function fmt(v: number): string {
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
}

function markdown(r: { date: string; profile: string; quick: boolean; minutes: number; machine: Record<string, string>; figures: Figure[] }): string {
  const lines = [
    `FIS benchmark, ${r.date}, profile ${r.quick ? 'demo (--quick)' : r.profile}, ${r.minutes.toFixed(1)} min`,
    `Machine: ${Object.entries(r.machine).map(([k, v]) => `${k} ${v}`).join('; ')}`,
    '',
    '| section | figure | value | target | |',
    '|---|---|---:|---|---|',
    ...r.figures.map((f) => {
      const ok = meets(f.value, f.target);
      return `| ${f.section} | ${f.name}${f.note ? ` (${f.note})` : ''} | ${fmt(f.value)} ${f.unit} | ${f.target ?? ''} | ${ok === undefined ? '' : ok ? 'met' : 'missed'} |`;
    }),
    '',
  ];
  return lines.join('\n');
}
