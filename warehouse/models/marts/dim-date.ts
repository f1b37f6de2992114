import { defineModel, notNull, unique } from '../model';

export default defineModel({
  name: 'dim_date',
  layer: 'dimension',
  description: 'Calendar days from the earliest to the end of the year of the latest day in the facts, with their month, quarter and year codes.',
  sql: `WITH bounds AS (
          SELECT min(d) AS lo, max(d) AS hi FROM (
            SELECT min(received_on) AS d FROM fact_application UNION ALL SELECT max(received_on) FROM fact_application
            UNION ALL SELECT max(decided_on) FROM fact_decision UNION ALL SELECT max(held_on) FROM fact_hearing
            UNION ALL SELECT min(start_on) FROM fact_course UNION ALL SELECT max(start_on) FROM fact_course
            UNION ALL SELECT min(entitled_on) FROM fact_participant UNION ALL SELECT max(taken_on) FROM fact_exam
            UNION ALL SELECT min(period_month) FROM fact_invoice UNION ALL SELECT max(issued_on) FROM fact_voc_entitlement))
        SELECT CAST(g.day AS DATE) AS date,
               strftime(g.day, '%Y-%m-%d') AS day,
               strftime(g.day, '%Y-%m') AS month,
               strftime(g.day, '%Y') || '-Q' || CAST(quarter(g.day) AS VARCHAR) AS quarter,
               CAST(year(g.day) AS INTEGER) AS year,
               CAST(isodow(g.day) AS INTEGER) AS iso_weekday
          FROM bounds, generate_series(coalesce(bounds.lo, DATE '2015-01-01'), make_date(year(coalesce(bounds.hi, DATE '2015-01-01')), 12, 31), INTERVAL 1 DAY) AS g(day)`,
  columns: {
    date: 'the day',
    day: 'YYYY-MM-DD',
    month: 'YYYY-MM',
    quarter: 'YYYY-Qn',
    year: 'the year',
    iso_weekday: '1 = Monday … 7 = Sunday',
  },
  tests: [unique('date'), notNull('date', 'day', 'month', 'quarter', 'year')],
});
