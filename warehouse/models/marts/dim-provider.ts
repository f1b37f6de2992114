import { defineModel, notNull, references, unique } from '../model';

export default defineModel({
  name: 'dim_provider',
  layer: 'dimension',
  description: 'Course providers (integration and vocational courses).',
  sql: `SELECT provider_id, name, state_code, town, approved_on, revoked_on FROM clean_integ_provider`,
  columns: {
    provider_id: 'source key',
    name: 'name of the provider',
    state_code: 'state of the provider',
    town: 'town of the provider',
    approved_on: 'approval day',
    revoked_on: 'day the approval was revoked, if so',
  },
  tests: [unique('provider_id'), notNull('provider_id', 'name', 'state_code'), references('state_code', 'dim_state')],
});
