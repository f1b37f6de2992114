import { defineModel, inCodeList, notNull, references, unique } from '../model';

export default defineModel({
  name: 'dim_office',
  layer: 'dimension',
  description: 'Offices of the asylum system: headquarters, branch offices and AnKER facilities.',
  sql: `SELECT office_code, name, state_code, kind, opened_on, closed_on FROM clean_asyl_office`,
  columns: {
    office_code: 'three capital letters (e.g. MUC)',
    name: 'name of the office',
    state_code: 'state of the office (two-digit key)',
    kind: 'hq, branch or anker',
    opened_on: 'opening day',
    closed_on: 'closing day, empty while open',
  },
  tests: [unique('office_code'), notNull('office_code', 'name', 'state_code', 'kind'), references('state_code', 'dim_state'), inCodeList('kind', 'office_kind')],
});
