import { defineModel, inCodeList, notNull, references, unique } from '../model';
import { recordKeySql } from '../../record-keys';

export default defineModel({
  name: 'fact_voc_entitlement',
  layer: 'fact',
  description: 'One row per vocational-course entitlement that counts (not deleted, not quarantined).',
  sql: `SELECT entitlement_id, ${recordKeySql('berd.entitlement', 'entitlement_id')} AS record_key, nationality_code, referring_agency, module, issued_on, state_code FROM clean_berd_entitlement`,
  columns: {
    entitlement_id: 'source key',
    record_key: 'record key of the source row (cell-key method: fixed per row, secret-derived)',
    nationality_code: 'Destatis key',
    referring_agency: 'jobcenter, employment_agency, bamf',
    module: 'basic or special module',
    issued_on: 'day of issue',
    state_code: 'state',
  },
  tests: [
    unique('entitlement_id'),
    notNull('entitlement_id', 'nationality_code', 'referring_agency', 'module', 'issued_on', 'state_code'),
    references('nationality_code', 'dim_nationality'),
    references('state_code', 'dim_state'),
    inCodeList('referring_agency', 'referring_agency'),
    inCodeList('module', 'module'),
  ],
});
