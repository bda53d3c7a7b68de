import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Environment } from '../../src/config/env.ts';
import { fieldText, newSpan, nextRecord } from '../../src/gate/csv-rows.ts';
import { scrubbedRule, scrubFile, UNREADABLE } from '../../src/gate/scrub.ts';
import { type Gate, openGate } from '../../src/gate/service.ts';
import { DEFAULT_RULES } from '../../src/law/rules.ts';
import { normalisePhone } from '../../src/numbering/phone.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { cli, tempDir, writeFile } from '../support/files.ts';

const REGISTRY = join(import.meta.dirname, '..', 'fixtures', 'law', 'registry');
const dir = tempDir('vigie-scrub-');
const db = join(dir, 'vigie.duckdb');
const env: Environment = { defaultDb: db, cwd: dir, interactive: false };
const AT = '2026-11-24';

/** A contact file with every kind of row: quoted cells, a separator inside quotes, CRLF, a bad number. */
const CONTACTS = [
  'id;nom;téléphone;note',
  '1;Dupont;06 12 34 56 78;"client fidèle; à rappeler"',
  '2;"Martin ""Jo""";0622222222;dnc depuis octobre',
  '3;Durand;+33 6 33 33 33 33;bloctel',
  '4;Petit;0644444444;"deux\r\nlignes"',
  '5;Roux;pas un numéro;',
  '',
  '6;Moreau;0666666666;sous contrat',
  '7;Blanc;0677777777;a refusé',
  '8;Noir;0262 12 34 56;Réunion',
  '9;Vert;0699999999;inconnu',
].join('\r\n');

let store: Store;

beforeAll(async () => {
  expect((await cli(['registry', 'import', '--registry', REGISTRY, '--db', db])).code).toBe(0);
});

afterAll(() => {
  store?.close();
});

/** The rows of a CSV as csv-parse reads them. */
const rowsOf = (text: string, delimiter: string): string[][] =>
  parseCsv(text, { delimiter, relax_column_count: true, skip_empty_lines: true }) as string[][];

describe('vigie scrub', () => {
  it('callable rows unchanged, excluded rows with every reason, callable + excluded = input rows', async () => {
    const input = writeFile(dir, 'contacts.csv', Buffer.from(CONTACTS, 'latin1'));
    const out = join(dir, 'callable.csv');
    const excluded = join(dir, 'excluded.csv');
    const run = await cli(
      [
        'scrub',
        input,
        '--client',
        'ACME',
        '--campaign',
        'CAMP1',
        '--at',
        AT,
        '--out',
        out,
        '--excluded',
        excluded,
        '--db',
        db,
        '--json',
      ],
      dir,
    );
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.out) as {
      rows: number;
      callable: number;
      excluded: number;
      column: string;
      evidence: number;
    };
    expect(summary.column).toBe('téléphone');
    const inputRows = rowsOf(readFileSync(input, 'latin1'), ';').slice(1);
    expect(summary.rows).toBe(inputRows.length);
    expect(summary.callable + summary.excluded).toBe(inputRows.length);

    const callableText = readFileSync(out, 'latin1');
    const excludedRows = rowsOf(readFileSync(excluded, 'latin1'), ';');
    // The callable file: the input's header and its rows, byte for byte.
    const inputRecords = CONTACTS.split('\r\n');
    expect(callableText.startsWith(`${inputRecords[0]}\r\n`)).toBe(true);
    expect(excludedRows[0]).toEqual([
      ...(inputRows.length > 0 ? (rowsOf(CONTACTS, ';')[0] ?? []) : []),
      'vigie_rules',
      'vigie_reasons',
    ]);
    const callableRows = rowsOf(callableText, ';').slice(1);
    expect(callableRows.length + excludedRows.length - 1).toBe(inputRows.length);
    for (const row of callableRows) expect(row.length).toBe(4);
    // Byte for byte: the input without the excluded records (nor the blank line), in the input's order.
    const records = CONTACTS.replace('"deux\r\nlignes"', '"deux\u0000lignes"').split('\r\n');
    const excludedIds = new Set(excludedRows.slice(1).map((r) => r[0]));
    const kept = records.filter((r, i) => i === 0 || (r !== '' && !excludedIds.has(r.split(';')[0])));
    const expected = kept.map((r) => r.replace('\u0000', '\r\n')).join('\r\n');
    expect(callableText.replace(/\r\n$/, '')).toBe(expected);
    // 3 and 8 have no consent (after 2026-08-11, Bloctel no longer counts); 4 is a professional, 6 a customer.
    expect(callableRows.map((r) => r[0])).toEqual(['1', '4', '6']);
    for (const row of excludedRows.slice(1)) {
      expect(row.length).toBe(6);
      expect(row[4]?.split(' ').length).toBeGreaterThan(0);
      expect(row[4]).not.toBe('');
      expect(row[5]).toMatch(/\S/);
    }
    const ruleOf = new Map(excludedRows.slice(1).map((r) => [r[0], r[4]]));
    expect(ruleOf.get('2')).toContain('dnc.internal');
    expect(ruleOf.get('5')).toBe(UNREADABLE);
    expect(ruleOf.get('7')).toContain('refusal.recontact');
    expect(ruleOf.get('9')).toContain('consent.missing');
    expect(ruleOf.get('3')).toBe('consent.missing');
    expect(ruleOf.has('1')).toBe(false);
    expect(ruleOf.has('6')).toBe(false);
    // Evidence: the scrub is an entry of the journal, with the input's hash.
    const verify = await cli(['evidence', 'verify', '--db', db, '--json'], dir);
    expect(JSON.parse(verify.out)).toMatchObject({ ok: true });
  });

  it('decides each row as the gate does, whatever the writing of its number', async () => {
    store = await openStore({ path: db });
    const gate: Gate = await openGate({ store, env, rules: DEFAULT_RULES, now: new Date(AT) });
    const prefixes = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '0262', '0590', '0639', '0696'];
    const writing = fc.record({
      prefix: fc.constantFrom(...prefixes),
      rest: fc.integer({ min: 0, max: 99_999_999 }),
      style: fc.constantFrom('plain', 'spaced', 'plus', 'dots', 'intl00'),
    });
    fc.assert(
      fc.property(fc.array(writing, { minLength: 1, maxLength: 40 }), (numbers) => {
        const raws = numbers.map(({ prefix, rest, style }) => {
          const national = `${prefix}${String(rest).padStart(10 - prefix.length, '0')}`.slice(0, 10);
          if (style === 'spaced') return national.replace(/(\d{2})(?=\d)/g, '$1 ');
          if (style === 'plus') return `+33${national.slice(1)}`;
          if (style === 'dots') return national.replace(/(\d{2})(?=\d)/g, '$1.');
          if (style === 'intl00') return `0033${national.slice(1)}`;
          return national;
        });
        const input = writeFile(dir, 'gen.csv', ['phone,x', ...raws.map((r, i) => `${r},${i}`)].join('\n'));
        const result = scrubFile(gate.engine, {
          input,
          out: join(dir, 'gen-out.csv'),
          excluded: join(dir, 'gen-excl.csv'),
          client: 'ACME',
          campaign: null,
          at: Date.parse(AT),
        });
        const excl = rowsOf(readFileSync(join(dir, 'gen-excl.csv'), 'utf8'), ',').slice(1);
        const rulesOf = new Map(excl.map((r) => [Number(r[1]), r[2]]));
        raws.forEach((raw, i) => {
          const n = normalisePhone(raw);
          let expected: string | undefined;
          if (!n.ok) expected = UNREADABLE;
          else {
            const kept = gate.engine
              .lawViolations({
                caller: '+33162000000',
                callee: n.value,
                at: Date.parse(AT),
                client: 'ACME',
                campaign: null,
                purpose: 'prospecting',
                provider: null,
              })
              .filter((v) => scrubbedRule(v.rule));
            expected = kept.some((v) => v.severity === 'violation')
              ? kept.map((v) => v.rule).join(' ')
              : undefined;
          }
          expect({ raw, rules: rulesOf.get(i) }).toEqual({ raw, rules: expected });
        });
        expect(result.callable + result.excluded).toBe(raws.length);
      }),
      { numRuns: 60 },
    );
  });

  it('reads the same fields as csv-parse (RFC 4180)', () => {
    const cell = fc.stringMatching(/^[a-z0-9 ,;"\r\n]{0,8}$/);
    const quote = (s: string) =>
      /[,"\r\n]/.test(s) || s.startsWith(' ') ? `"${s.replaceAll('"', '""')}"` : s;
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom('\n', '\r\n'),
        fc.integer({ min: 0, max: 2 }),
        (rows, eol, column) => {
          const text = rows.map((r) => r.map(quote).join(',')).join(eol);
          const buf = Buffer.from(text, 'latin1');
          const expected = (
            parseCsv(text, { relax_column_count: true, skip_empty_lines: false }) as string[][]
          ).map((r) => r[column] ?? '');
          const got: string[] = [];
          const span = newSpan();
          let pos = 0;
          while (nextRecord(buf, pos, 0x2c, column, span)) {
            pos = span.next;
            got.push(fieldText(buf, span.fieldStart, span.fieldEnd));
          }
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
