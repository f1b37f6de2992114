/**
 * Durations in month buckets: the age of pending cases and the processing time of decisions. The
 * fact models store the bucket of each decision; the semantic layer offers the buckets as the
 * dimensions pending_age and processing_time — one definition for both.
 */
export const PENDING_AGE_BUCKETS = [
  { code: '0-3', fromMonths: 0, toMonths: 3, label: { de: 'bis 3 Monate', en: 'up to 3 months' } },
  { code: '3-6', fromMonths: 3, toMonths: 6, label: { de: '3 bis 6 Monate', en: '3 to 6 months' } },
  { code: '6-12', fromMonths: 6, toMonths: 12, label: { de: '6 bis 12 Monate', en: '6 to 12 months' } },
  { code: '12-24', fromMonths: 12, toMonths: 24, label: { de: '12 bis 24 Monate', en: '12 to 24 months' } },
  { code: '24+', fromMonths: 24, toMonths: Infinity, label: { de: 'über 24 Monate', en: 'over 24 months' } },
] as const;

/** SQL giving the bucket code of a duration in days (pending_age, processing_time). */
export function monthsBucketSql(days: string): string {
  const limits = PENDING_AGE_BUCKETS.filter((b) => b.toMonths !== Infinity).map((b) => `WHEN ${days} < ${Math.round(b.toMonths * 30.4375)} THEN '${b.code}'`);
  return `CASE WHEN ${days} IS NULL THEN NULL ${limits.join(' ')} ELSE '24+' END`;
}
