import { defineModel, notNull, unique } from '../model';

export default defineModel({
  name: 'dim_state',
  layer: 'dimension',
  description: 'The 16 states, from the genericode list urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:bundesland.',
  sql: `SELECT "Schluessel" AS state_code, "Bezeichnung" AS name_de, coalesce("BezeichnungEN", "Bezeichnung") AS name_en,
               "Kuerzel" AS abbreviation, "NUTS" AS nuts
          FROM codelist_bundesland`,
  columns: { state_code: 'two-digit key (01 … 16)', name_de: 'name', name_en: 'English name', abbreviation: 'two letters', nuts: 'NUTS-1 code' },
  tests: [unique('state_code'), notNull('state_code', 'name_de', 'name_en')],
});
