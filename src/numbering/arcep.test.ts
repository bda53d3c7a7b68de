import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ArcepIndex,
  attributionOf,
  blockAt,
  buildArcepIndex,
  deserialiseArcepIndex,
  findBlock,
  frenchDateToDays,
  indexArcepFiles,
  parseMajnum,
  parseMajrio,
  rangeKey,
  serialiseArcepIndex,
  splitCsvLine,
} from './arcep.ts';
import { decodeArcepText, loadArcepIndex, readArcepIndexFile, SHIPPED_ARCEP_PATH } from './store.ts';

const ARCEP_DIR = '/work/shared/data/arcep';
const HAS_ARCEP = existsSync(join(ARCEP_DIR, 'MAJNUM.csv'));

const HEADER = 'EZABPQM;Tranche_Debut;Tranche_Fin;Mnémo;Territoire;Date_Attribution';
const SAMPLE = [
  HEADER,
  '016200;0162000000;0162009999;LGC;Métropole;21/01/2021',
  '0612;0612000000;0612999999;SFR0;Métropole;08/12/2011',
  '059027;0590270000;0590279999;FRTE;"Guadeloupe, St Martin et St Barthélemy";01/01/2017',
  '3010;3010;3010;FRTE;National;27/08/2019',
  '118712;118712;118712;FRTE;National;01/01/2017',
  '0700000;07000000000000;07000009999999;FRTE;Métropole;01/01/2017',
].join('\r\n');
const RIO = [
  'Ressource;"Code Attributaire";Attributaire;"Date d\'effet (attribution)";"N° décision d\'attribution"',
  'F0;FRTE;Orange;01/01/2017;2016-1702',
  'F1;SFR0;"Société française du radiotéléphone";26/03/2015;2015-0347',
  'GV;IPDI;"IP Old";26/03/2015;2015-0347',
  'ZZ;IPDI;"IP Directions";23/05/2018;2018-0605',
].join('\n');

function sampleIndex(): ArcepIndex {
  const result = indexArcepFiles(SAMPLE, RIO);
  if (!result.ok) throw new Error(result.error);
  return result.value.index;
}

/** The reference the binary search must agree with. */
function linearFind(index: ArcepIndex, digits: string): number {
  const key = rangeKey(digits);
  for (let i = 0; i < index.size; i++) {
    if ((index.starts[i] ?? 0) <= key && key <= (index.ends[i] ?? -1)) return i;
  }
  return -1;
}

/** Known blocks of the April 2026 MAJNUM.csv and their operators. */
const KNOWN_BLOCKS: readonly [string, string, string | null, string][] = [
  ['0162000000', 'LGC', 'Manifone', 'Métropole'],
  ['0162015555', 'DIAB', 'Diabolocom SAS', 'Métropole'],
  ['0612345678', 'SFR0', 'Société française du radiotéléphone', 'Métropole'],
  ['0678123456', 'FRTE', 'Orange', 'Métropole'],
  ['0602450000', 'BOUY', 'Bouygues Telecom', 'Métropole'],
  ['0262011234', 'ZEOP', null, 'La Réunion - Océan indien'],
  ['0269601234', 'FRTE', 'Orange', 'Mayotte'],
  ['0947500123', 'DIAB', 'Diabolocom SAS', 'Guadeloupe, St Martin et St Barthélemy'],
  ['0508411234', 'SPMT', 'SAS SPM Telecom', 'Saint Pierre et Miquelon'],
  ['3010', 'FRTE', 'Orange', 'National'],
  ['118712', 'FRTE', 'Orange', 'National'],
  ['07000000000000', 'FRTE', 'Orange', 'Métropole'],
];

function checkKnownBlocks(index: ArcepIndex): void {
  for (const [digits, code, name, territory] of KNOWN_BLOCKS) {
    const attribution = attributionOf(index, digits);
    expect(attribution, digits).not.toBeNull();
    expect(attribution?.operatorCode, digits).toBe(code);
    if (name !== null) expect(attribution?.operatorName, digits).toBe(name);
    expect(attribution?.territory, digits).toBe(territory);
  }
  expect(attributionOf(index, '0262001234')).toBeNull();
  expect(attributionOf(index, '0162990000')).toBeNull();
}

describe('CSV primitives', () => {
  it('splits quoted fields with separators and doubled quotes', () => {
    expect(splitCsvLine('a;"b;c";"d ""e""";')).toEqual(['a', 'b;c', 'd "e"', '']);
  });

  it.each([
    ['01/01/2017', '2017-01-01'],
    ['29/02/2024', '2024-02-29'],
    ['29/02/2023', undefined],
    ['2017-01-01', undefined],
    ['32/01/2020', undefined],
  ])('reads the French date %s', (text, iso) => {
    const days = frenchDateToDays(text);
    expect(days === undefined ? undefined : new Date(days * 86_400_000).toISOString().slice(0, 10)).toBe(iso);
  });

  it('keys numbers by length so that short, national and M2M numbers never collide', () => {
    expect(rangeKey('3010')).not.toBe(rangeKey('03010'));
    expect(rangeKey('07000000000000')).toBeGreaterThan(rangeKey('0999999999'));
    expect(rangeKey('')).toBe(-1);
    expect(rangeKey('012345678901234')).toBe(-1);
    expect(rangeKey('01a')).toBe(-1);
  });
});

describe('parseMajnum / parseMajrio', () => {
  it('parses every block of a sample, CRLF and quoted territories included', () => {
    const result = parseMajnum(SAMPLE);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toHaveLength(6);
    expect(result.issues).toEqual([]);
    expect(result.value[2]).toEqual({
      prefix: '059027',
      start: '0590270000',
      end: '0590279999',
      operatorCode: 'FRTE',
      territory: 'Guadeloupe, St Martin et St Barthélemy',
      attributedOn: '2017-01-01',
    });
  });

  it('reports bad lines with their line number and keeps the rest', () => {
    const text = [
      HEADER,
      '016200;0162000000;0162009999;LGC;Métropole;21/01/2021',
      '016201;0162010000;016201999;DIAB;Métropole;01/01/2023',
      '016202;0162029999;0162020000;PLUG;Métropole;01/01/2023',
      '016203;0162030000;0162039999;;Métropole;01/01/2023',
      '016204;0162040000;0162049999;FRTE;Métropole;2023-01-01',
      '099999;0162050000;0162059999;FRTE;Métropole;01/01/2023',
      '',
    ].join('\n');
    const result = parseMajnum(text);
    expect(result.ok && result.value.length).toBe(1);
    expect(result.ok && result.issues.map((issue) => issue.line)).toEqual([3, 4, 5, 6, 7]);
  });

  it('rejects a file that is not MAJNUM', () => {
    expect(parseMajnum(RIO)).toEqual({ ok: false, error: expect.stringContaining('not a MAJNUM.csv') });
    expect(parseMajnum(HEADER)).toEqual({ ok: false, error: expect.stringContaining('no valid block') });
    expect(parseMajrio(SAMPLE).ok).toBe(false);
  });

  it('falls back to column positions when the header accents are mangled', () => {
    const result = parseMajnum(SAMPLE.replace('Mnémo', 'MnÃ©mo'));
    expect(result.ok && result.value[0]?.operatorCode).toBe('LGC');
  });

  it('keeps the latest name of an operator listed twice in MAJRIO', () => {
    const result = parseMajrio(RIO);
    expect(result.ok && result.value.get('IPDI')).toBe('IP Directions');
    expect(result.ok && result.value.get('SFR0')).toBe('Société française du radiotéléphone');
  });
});

describe('buildArcepIndex and lookups', () => {
  it('finds the block of a number, its first and last numbers included', () => {
    const index = sampleIndex();
    expect(attributionOf(index, '0162000000')).toEqual({
      block: '016200',
      operatorCode: 'LGC',
      operatorName: null,
      territory: 'Métropole',
      attributedOn: '2021-01-21',
    });
    expect(attributionOf(index, '0162009999')?.block).toBe('016200');
    expect(attributionOf(index, '0162010000')).toBeNull();
    expect(attributionOf(index, '0161999999')).toBeNull();
    expect(attributionOf(index, '3010')?.operatorName).toBe('Orange');
    expect(attributionOf(index, '3011')).toBeNull();
    expect(attributionOf(index, '07000001234567')?.block).toBe('0700000');
    expect(attributionOf(index, 'not a number')).toBeNull();
  });

  it('drops and reports a block that overlaps another', () => {
    const parsed = parseMajnum(`${SAMPLE}\n01620;0162000000;0162099999;FRTE;Métropole;01/01/2017`);
    if (!parsed.ok) throw new Error(parsed.error);
    const { index, issues } = buildArcepIndex(parsed.value);
    expect(index.size).toBe(6);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.reason).toContain('overlaps');
  });

  it('round-trips through the compact serialisation', () => {
    const index = sampleIndex();
    const again = deserialiseArcepIndex(serialiseArcepIndex(index));
    for (let i = 0; i < index.size; i++) expect(blockAt(again, i)).toEqual(blockAt(index, i));
    expect([...again.operatorNames]).toEqual(expect.arrayContaining([...index.operatorNames]));
    expect(again.vintage).toBe(index.vintage);
  });

  it('refuses a corrupt serialisation', () => {
    expect(() => deserialiseArcepIndex('{"format":"other"}')).toThrow(/not a vigie-arcep-index/);
    const text = serialiseArcepIndex(sampleIndex()).replace('"sizes":[', '"sizes":[1,');
    expect(() => deserialiseArcepIndex(text)).toThrow(/sizes/);
  });
});

describe.runIf(HAS_ARCEP)("ARCEP's real files", () => {
  const majnumBytes = HAS_ARCEP ? readFileSync(join(ARCEP_DIR, 'MAJNUM.csv')) : new Uint8Array();
  const rioBytes = HAS_ARCEP ? readFileSync(join(ARCEP_DIR, 'MAJRIO.csv')) : new Uint8Array();

  it('parses every block of MAJNUM.csv (Windows-1252) and resolves known blocks to their operators', () => {
    const majnum = new TextDecoder('windows-1252').decode(majnumBytes);
    const dataLines = majnum.split(/\r?\n/).filter((line) => line.trim() !== '').length - 1;
    const result = indexArcepFiles(majnum, new TextDecoder('windows-1252').decode(rioBytes));
    if (!result.ok) throw new Error(result.error);
    expect(dataLines).toBeGreaterThan(19_000);
    expect(result.issues).toEqual([]);
    expect(result.value.stats.blocks).toBe(dataLines);
    expect(result.value.stats.territories).toContain('Métropole');
    checkKnownBlocks(result.value.index);
  });

  it('decodes the files as Windows-1252 (accents intact)', () => {
    expect(decodeArcepText(majnumBytes).slice(0, 60)).toContain('Mnémo');
  });

  it('ships a compact copy equal to the real files', () => {
    const result = indexArcepFiles(decodeArcepText(majnumBytes), decodeArcepText(rioBytes));
    if (!result.ok) throw new Error(result.error);
    const shipped = readArcepIndexFile(SHIPPED_ARCEP_PATH);
    expect(shipped.size).toBe(result.value.index.size);
    expect(Array.from(shipped.starts)).toEqual(Array.from(result.value.index.starts));
    expect(shipped.vintage).toBe(result.value.index.vintage);
  });
});

describe('the shipped compact copy', () => {
  const shipped = readArcepIndexFile(SHIPPED_ARCEP_PATH);

  it('is well under 400 KB and holds about 20,000 blocks', () => {
    expect(readFileSync(SHIPPED_ARCEP_PATH).length).toBeLessThan(400 * 1024);
    expect(shipped.size).toBeGreaterThan(19_000);
    expect(shipped.vintage).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('resolves known blocks to their operators', () => {
    checkKnownBlocks(shipped);
  });

  it('is what loadArcepIndex returns when the user has no copy', () => {
    const loaded = loadArcepIndex({ dir: '/nonexistent/vigie-numbering' });
    expect(loaded.source).toBe('shipped');
    expect(loaded.index).toBe(shipped);
  });

  it('binary search agrees with a linear scan (random numbers near block edges)', () => {
    const edges = Array.from({ length: shipped.size }, (_, i) => blockAt(shipped, i)).flatMap((block) =>
      block === null ? [] : [block.start, block.end],
    );
    const near = fc
      .tuple(fc.constantFrom(...edges), fc.integer({ min: -3, max: 3 }))
      .map(([edge, offset]) => String(Math.max(0, Number(edge) + offset)).padStart(edge.length, '0'));
    const anyNational = fc.integer({ min: 100_000_000, max: 999_999_999 }).map((n) => `0${n}`);
    const short = fc.integer({ min: 1000, max: 3999 }).map(String);
    fc.assert(
      fc.property(fc.oneof(near, anyNational, short), (digits) => {
        expect(findBlock(shipped, digits)).toBe(linearFind(shipped, digits));
      }),
      { numRuns: 2000 },
    );
  });
});
