import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectCallFormat, detectDelimiter, sniff, splitRecords } from '../../src/records/sniff.ts';

const examples = join(import.meta.dirname, '..', '..', 'examples');
const head = (path: string) => sniff(readFileSync(join(examples, path)), true);

describe('format detection', () => {
  it.each([
    ['canonical/calls.csv', 'canonical', ','],
    ['canonical/excel-export.csv', 'canonical', ';'],
    ['asterisk/Master.csv', 'asterisk', ','],
    ['freeswitch/Master.csv', 'freeswitch', ','],
    ['vicidial/export-calls.txt', 'vicidial', '\t'],
    ['twilio/call-log.csv', 'twilio', ','],
  ])('%s is %s', (path, format, delimiter) => {
    const sniffed = head(path);
    expect(sniffed.delimiter).toBe(delimiter);
    expect(detectCallFormat(sniffed)).toBe(format);
  });

  it('tells Windows-1252 from UTF-8 and sees a BOM', () => {
    expect(head('canonical/excel-export.csv').encoding).toBe('windows-1252');
    const bom = sniff(
      new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('call_id,started_at\nx,y\n')]),
      true,
    );
    expect(bom).toMatchObject({ encoding: 'utf-8', bom: true, firstRecord: ['call_id', 'started_at'] });
  });

  it('does not decide for a file it does not recognise', () => {
    expect(detectCallFormat(sniff(new TextEncoder().encode('a;b;c\n1;2;3\n'), true))).toBeUndefined();
  });

  it('splits quoted fields with separators, escaped quotes and newlines', () => {
    expect(splitRecords('a,"b,c","d""e"\r\n"f\ng",h\n', ',', true)).toEqual([
      ['a', 'b,c', 'd"e'],
      ['f\ng', 'h'],
    ]);
  });

  it('finds the separator of any table written with it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(',', ';', '\t'),
        fc.integer({ min: 2, max: 8 }),
        fc.array(fc.stringMatching(/^[a-z0-9 ]{0,6}$/), { minLength: 16, maxLength: 64 }),
        (delimiter, columns, cells) => {
          const rows = Array.from({ length: Math.floor(cells.length / columns) }, (_, r) =>
            cells.slice(r * columns, (r + 1) * columns).join(delimiter),
          );
          expect(detectDelimiter(`${rows.join('\n')}\n`)).toBe(delimiter);
        },
      ),
    );
  });
});
