import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codelistDir, tempDir } from '../test/helpers';
import { codesOf, loadCodeLists, parseGenericode } from './genericode';

const list = (version: string, rows: string, extra = '') => `<?xml version="1.0"?>
<gc:CodeList xmlns:gc="http://docs.oasis-open.org/codelist/ns/genericode/1.0/">
 <Identification><ShortName>farbe</ShortName><Version>${version}</Version><CanonicalUri>urn:test:farbe</CanonicalUri></Identification>
 <ColumnSet>
  <Column Id="Code" Use="required"><ShortName>Code</ShortName><Data Type="string"/></Column>
  <Column Id="Name" Use="optional"><ShortName>Name</ShortName><Data Type="string"/></Column>${extra}
  <Key Id="k"><ShortName>k</ShortName><ColumnRef Ref="Code"/></Key>
 </ColumnSet>
 <SimpleCodeList>${rows}</SimpleCodeList>
</gc:CodeList>`;
const row = (code: string, name: string) => `<Row><Value ColumnRef="Code"><SimpleValue>${code}</SimpleValue></Value><Value ColumnRef="Name"><SimpleValue>${name}</SimpleValue></Value></Row>`;

describe('genericode reader', () => {
  it('reads the shipped nationality list with validity years', () => {
    const nat = loadCodeLists(codelistDir).get('staatsangehoerigkeit')!;
    expect(nat.canonicalUri).toBe('urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staatsangehoerigkeit');
    expect(nat.rows).toHaveLength(212);
    expect(nat.rows.find((r) => r.Schluessel === '475')!.Staat).toBe('Arabische Republik Syrien');
    expect(codesOf(nat, 2024)).toContain('150'); // Kosovo
    expect(codesOf(nat, 2024)).not.toContain('133'); // Serbia incl. Kosovo, 2005–2006 only
    expect(codesOf(nat, 2006)).toContain('133');
  });

  it('decodes entities and keeps optional values empty', () => {
    const l = parseGenericode(list('1', row('r', 'Rot &amp; Weiß') + '<Row><Value ColumnRef="Code"><SimpleValue>g</SimpleValue></Value></Row>'));
    expect(l.rows).toEqual([{ Code: 'r', Name: 'Rot & Weiß' }, { Code: 'g', Name: null }]);
  });

  it.each([
    ['not xml at all <', /not a valid genericode code list/],
    ['<root/>', /no CodeList element/],
    [list('1', row('r', 'a') + row('r', 'b')), /duplicate key r/],
    [list('1', '<Row><Value ColumnRef="Name"><SimpleValue>x</SimpleValue></Value></Row>'), /lacks required column Code/],
    [list('1', '<Row><Value ColumnRef="Farbe"><SimpleValue>x</SimpleValue></Value></Row>'), /unknown column Farbe/],
  ])('refuses a broken list in one sentence (%#)', (xml, message) => {
    expect(() => parseGenericode(xml, 'x.gc.xml')).toThrow(message);
  });

  it('lets a newer version of a list replace the older one: a file drop, no code change', () => {
    const t = tempDir();
    mkdirSync(join(t.dir, 'lists'));
    writeFileSync(join(t.dir, 'lists', 'a.gc.xml'), list('2020-01-01', row('r', 'rot')));
    writeFileSync(join(t.dir, 'lists', 'b.gc.xml'), list('2025-01-01', row('r', 'rot') + row('b', 'blau')));
    const l = loadCodeLists(join(t.dir, 'lists')).get('farbe')!;
    t.cleanup();
    expect(l.version).toBe('2025-01-01');
    expect(codesOf(l)).toEqual(['r', 'b']);
  });
});
