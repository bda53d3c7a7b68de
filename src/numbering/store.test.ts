import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { attributionOf } from './arcep.ts';
import {
  decodeArcepText,
  importArcepFiles,
  loadArcepIndex,
  readArcepIndexFile,
  SHIPPED_ARCEP_PATH,
  userArcepPath,
  userNumberingDir,
  writeArcepIndexFile,
} from './store.ts';

const MAJNUM = [
  'EZABPQM;Tranche_Debut;Tranche_Fin;Mnémo;Territoire;Date_Attribution',
  '016200;0162000000;0162009999;NEWO;Métropole;01/05/2026',
  '0612;0612000000;0612999999;SFR0;Métropole;08/12/2011',
].join('\r\n');

const directories: string[] = [];
function temporaryDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-numbering-'));
  directories.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of directories.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Windows-1252 bytes of ASCII-plus-Latin-1 text (each character is one byte). */
function windows1252(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}

describe('numbering store', () => {
  it('puts the user copy under VIGIE_NUMBERING_DIR, else ~/.vigie/numbering', () => {
    expect(userNumberingDir({ dir: '/srv/numbering' })).toBe('/srv/numbering');
    expect(userNumberingDir({ home: '/home/ana' })).toBe('/home/ana/.vigie/numbering');
    expect(userArcepPath({ home: '/home/ana' })).toBe('/home/ana/.vigie/numbering/arcep.json.gz');
  });

  it('decodes Windows-1252 as published and UTF-8 re-saved copies alike', () => {
    expect(decodeArcepText(windows1252('Mnémo;Métropole'))).toBe('Mnémo;Métropole');
    expect(decodeArcepText(new TextEncoder().encode('Mnémo;Métropole'))).toBe('Mnémo;Métropole');
  });

  it('imports MAJNUM alone, keeps the operator names in use, and the user copy then wins', () => {
    const dir = temporaryDir();
    const file = join(dir, 'MAJNUM.csv');
    writeFileSync(file, windows1252(MAJNUM));
    const shipped = loadArcepIndex({ dir });
    expect(shipped.source).toBe('shipped');
    const { index, stats, issues } = importArcepFiles({ majnum: file }, shipped.index);
    expect(issues).toEqual([]);
    expect(stats).toMatchObject({ blocks: 2, operators: 2, namedOperators: 1, vintage: '2026-05-01' });
    const bytes = writeArcepIndexFile(userArcepPath({ dir }), index);
    expect(bytes).toBeGreaterThan(0);
    const loaded = loadArcepIndex({ dir });
    expect(loaded.source).toBe('user');
    expect(attributionOf(loaded.index, '0162000000')?.operatorCode).toBe('NEWO');
    expect(attributionOf(loaded.index, '0612345678')?.operatorName).toBe(
      'Société française du radiotéléphone',
    );
  });

  it('rejects a file that is not MAJNUM and a missing file', () => {
    const dir = temporaryDir();
    const file = join(dir, 'other.csv');
    writeFileSync(file, 'a;b;c\n1;2;3\n');
    expect(() => importArcepFiles({ majnum: file })).toThrow(/not a MAJNUM\.csv/);
    expect(() => importArcepFiles({ majnum: join(dir, 'missing.csv') })).toThrow(/cannot read/);
  });

  it('reports a corrupt user copy clearly', () => {
    const dir = temporaryDir();
    writeFileSync(userArcepPath({ dir }), 'not gzip');
    expect(() => loadArcepIndex({ dir })).toThrow(/cannot read the numbering data/);
  });

  it('decodes the shipped copy once per process', () => {
    expect(readArcepIndexFile(SHIPPED_ARCEP_PATH)).toBe(readArcepIndexFile(SHIPPED_ARCEP_PATH));
  });
});
