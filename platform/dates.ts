/**
 * Calendar days as integers (days since 1970-01-01, UTC). The fixture generator handles tens of
 * millions of dates, so conversions to ISO text go through a precomputed table.
 */
const MS = 86_400_000;

export const dayOf = (iso: string): number => Math.floor(Date.parse(iso.slice(0, 10) + 'T00:00:00Z') / MS);
export const dayFromYmd = (y: number, m: number, d: number): number => Math.floor(Date.UTC(y, m - 1, d) / MS);

const LO = dayFromYmd(1900, 1, 1);
const HI = dayFromYmd(2100, 12, 31);
let table: string[] | undefined;

export function isoOf(day: number): string {
  if (day >= LO && day <= HI) {
    if (!table) {
      table = new Array<string>(HI - LO + 1);
      for (let d = LO; d <= HI; d++) table[d - LO] = new Date(d * MS).toISOString().slice(0, 10);
    }
    return table[day - LO]!;
  }
  return new Date(day * MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export const weekday = (day: number): number => (((day + 4) % 7) + 7) % 7;
export const yearOf = (day: number): number => new Date(day * MS).getUTCFullYear();
export const monthOf = (day: number): number => new Date(day * MS).getUTCMonth() + 1;
export const startOfYear = (y: number): number => dayFromYmd(y, 1, 1);
export const endOfYear = (y: number): number => dayFromYmd(y, 12, 31);
export const startOfMonth = (day: number): number => {
  const d = new Date(day * MS);
  return dayFromYmd(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
};
export const addMonths = (day: number, n: number): number => {
  const d = new Date(day * MS);
  return dayFromYmd(d.getUTCFullYear(), d.getUTCMonth() + 1 + n, Math.min(d.getUTCDate(), 28));
};

/** A strict YYYY-MM-DD check (also rejects 2024-02-30). */
export function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const t = Date.parse(s + 'T00:00:00Z');
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s;
}

let times: string[] | undefined;

/** Timestamp text as Postgres prints it in UTC, for a day plus seconds into that day. */
export function tsOf(day: number, seconds: number): string {
  if (!times) {
    times = new Array<string>(86_400);
    const p = (n: number) => (n < 10 ? '0' : '') + n;
    for (let s = 0; s < 86_400; s++) times[s] = ` ${p(Math.floor(s / 3600))}:${p(Math.floor((s % 3600) / 60))}:${p(s % 60)}+00`;
  }
  const s = Math.max(0, Math.min(86_399, Math.floor(seconds)));
  return isoOf(day) + times[s]!;
}

export const todayUtc = (): number => Math.floor(Date.now() / MS);
