import { CODE_DIMENSIONS } from '../../codelists';
import { defineModel, notNull, unique } from '../model';

/** The FIS value lists (genericode files `fis-*.gc.xml`) as one dimension of labelled codes. */
export default defineModel({
  name: 'dim_code',
  layer: 'dimension',
  description: 'Labelled codes of the FIS value lists: application kind, outcome (with its group), sex, age group, course type and status, and the others.',
  sql: Object.entries(CODE_DIMENSIONS)
    .map(
      ([dimension, list]) =>
        `SELECT '${dimension}' AS dimension, "Code" AS code, "Bezeichnung" AS name_de, "BezeichnungEN" AS name_en, ${list.group ? `"${list.group}"` : 'NULL'} AS group_code, CAST(row_number() OVER () AS INTEGER) AS sort
           FROM codelist_${list.table}`,
    )
    .join('\nUNION ALL\n'),
  columns: { dimension: 'the dimension the code belongs to', code: 'the code', name_de: 'German label', name_en: 'English label', group_code: 'the group (outcome → outcome_group, exam result → exam type)', sort: 'order in the list' },
  tests: [unique('dimension', 'code'), notNull('dimension', 'code', 'name_de', 'name_en')],
});
