import { defineModel, notNull, unique } from '../model';

export default defineModel({
  name: 'dim_nationality',
  layer: 'dimension',
  description: 'Nationalities: the Destatis key from the genericode list, with validity years; English names from the ISO code (CLDR).',
  sql: `SELECT "Schluessel" AS nationality_code, "Staat" AS name_de, coalesce("NameEN", "Staat") AS name_en,
               "ISO2" AS iso2, "ISO3" AS iso3,
               TRY_CAST("GueltigAb" AS INTEGER) AS valid_from, TRY_CAST("GueltigBis" AS INTEGER) AS valid_to
          FROM codelist_staatsangehoerigkeit`,
  columns: {
    nationality_code: 'three-digit Destatis key',
    name_de: 'name of the state',
    name_en: 'English name',
    iso2: 'ISO 3166-1 alpha-2',
    iso3: 'ISO 3166-1 alpha-3',
    valid_from: 'first year the code is valid',
    valid_to: 'last year the code is valid',
  },
  tests: [unique('nationality_code'), notNull('nationality_code', 'name_de', 'name_en')],
});
