/**
 * Loads the genericode code lists into the snapshot: every list as a table `codelist_<name>` with
 * its own columns, and `codelist_meta` saying which version of which list was loaded. Dimensions
 * (dim_state, dim_nationality, dim_code) are models over these tables, so a new version of a list
 * is a file drop, not a code change.
 */
import { loadCodeLists, type CodeList } from '../platform/genericode';
import type { Session } from './duckdb';

/** FIS dimensions whose values and labels come from a FIS value list. */
export const CODE_DIMENSIONS: Record<string, { list: string; table: string; group?: string }> = {
  kind: { list: 'antragsart', table: 'antragsart' },
  outcome: { list: 'entscheidungsart', table: 'entscheidungsart', group: 'Gruppe' },
  outcome_group: { list: 'entscheidungsgruppe', table: 'entscheidungsgruppe' },
  procedure_span: { list: 'verfahrensspanne', table: 'verfahrensspanne' },
  office_kind: { list: 'dienststellenart', table: 'dienststellenart' },
  sex: { list: 'geschlecht', table: 'geschlecht' },
  age_group: { list: 'altersgruppe', table: 'altersgruppe' },
  course_type: { list: 'kursart', table: 'kursart' },
  course_status: { list: 'kursstatus', table: 'kursstatus' },
  entitlement_basis: { list: 'teilnahmegrundlage', table: 'teilnahmegrundlage' },
  exit_reason: { list: 'austrittsgrund', table: 'austrittsgrund' },
  exam_type: { list: 'pruefungsart', table: 'pruefungsart' },
  exam_result: { list: 'pruefungsergebnis', table: 'pruefungsergebnis', group: 'Pruefungsart' },
  module: { list: 'bsk-modul', table: 'bsk_modul' },
  referring_agency: { list: 'bsk-zuweisung', table: 'bsk_zuweisung' },
  program: { list: 'programm', table: 'programm' },
  invoice_status: { list: 'rechnungsstatus', table: 'rechnungsstatus' },
  certificate: { list: 'zertifikat', table: 'zertifikat' },
};

export const REQUIRED_LISTS = ['staatsangehoerigkeit', 'bundesland', ...Object.values(CODE_DIMENSIONS).map((d) => d.list)];

const tableName = (shortName: string) => `codelist_${shortName.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}`;

const SPECIAL_EN: Record<string, string> = { '997': 'stateless', '998': 'unclear', '999': 'not stated', '000': 'Germany' };

/** English country names from the ISO code via CLDR; the Destatis list carries German names only. */
function englishName(row: Record<string, string | null>): string | null {
  const code = row.Schluessel ?? '';
  if (SPECIAL_EN[code]) return SPECIAL_EN[code]!;
  const iso2 = row.ISO2;
  if (!iso2) return null;
  try {
    const name = new Intl.DisplayNames(['en'], { type: 'region' }).of(iso2);
    return name && name !== iso2 ? name : null;
  } catch {
    return null;
  }
}

async function loadList(con: Session, list: CodeList): Promise<void> {
  const columns = list.columns.map((c) => c.id);
  const extra = list.shortName === 'staatsangehoerigkeit' ? ['NameEN'] : [];
  const all = [...columns, ...extra];
  const table = tableName(list.shortName);
  await con.run(`CREATE OR REPLACE TABLE ${table} (${all.map((c) => `"${c}" VARCHAR`).join(', ')})`);
  const rows = list.rows.map((r) => [...columns.map((c) => r[c] ?? null), ...(extra.length ? [englishName(r)] : [])]);
  const width = all.length;
  for (let i = 0; i < rows.length; i += 200) {
    const chunk = rows.slice(i, i + 200);
    const values = chunk.map((_, j) => `(${all.map((__, k) => `$${j * width + k + 1}`).join(', ')})`).join(', ');
    await con.run(`INSERT INTO ${table} VALUES ${values}`, chunk.flat());
  }
}

/** Loads every list of `dir` into the current database; returns what was loaded. */
export async function loadCodeListTables(con: Session, dir: string): Promise<Array<{ list: string; version: string; uri: string; rows: number; file: string }>> {
  const lists = loadCodeLists(dir);
  for (const name of REQUIRED_LISTS) {
    if (!lists.has(name)) throw new Error(`the code list "${name}" is missing from ${dir}`);
  }
  const meta: Array<{ list: string; version: string; uri: string; rows: number; file: string }> = [];
  for (const list of lists.values()) {
    await loadList(con, list);
    meta.push({ list: list.shortName, version: list.version, uri: list.canonicalVersionUri ?? list.canonicalUri, rows: list.rows.length, file: list.file });
  }
  await con.run(`CREATE OR REPLACE TABLE codelist_meta (list VARCHAR, version VARCHAR, uri VARCHAR, rows INTEGER, file VARCHAR)`);
  for (const m of meta) await con.run(`INSERT INTO codelist_meta VALUES ($1, $2, $3, $4, $5)`, [m.list, m.version, m.uri, m.rows, m.file]);
  return meta;
}
