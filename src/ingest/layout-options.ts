import { existsSync, readFileSync, statSync } from 'node:fs';
import { COLUMN_MAP_KEYS, readColumnMap } from '../records/column-map.ts';
import { compileDateFormat } from '../records/date-format.ts';
import { parseAsteriskTemplate } from '../records/formats/asterisk-custom.ts';
import { UsageError } from '../shared/errors.ts';
import type { IngestOptions } from './model.ts';

type LayoutFlags = Pick<IngestOptions, 'columnMap' | 'dateFormat' | 'asteriskTemplate'>;

/** The keys of a `vigie-source.json` that describe a file's layout (read here, not by `readSourceDefaults`). */
export const SOURCE_LAYOUT_KEYS: readonly string[] = [...COLUMN_MAP_KEYS, 'asterisk_template'];

function parseJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `${path}: cannot read the map file (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `${path}: not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

/** Reads and checks a `--map FILE`; every mistake names the file and the key. */
export function readColumnMapFile(path: string): NonNullable<IngestOptions['columnMap']> {
  const result = readColumnMap(parseJson(path), path);
  if (!result.ok)
    throw new UsageError(`${path}: ${result.key === '' ? '' : `"${result.key}" `}${result.reason}`);
  return result.map;
}

/**
 * The layout keys of a parsed `vigie-source.json`: a `columns` block (with `date_format`, `outcomes`,
 * `directions`) is a column map; a `date_format` alone applies to the folder's files in their own format.
 */
export function readSourceLayout(record: Readonly<Record<string, unknown>>, path: string): LayoutFlags {
  const out: { -readonly [K in keyof LayoutFlags]: LayoutFlags[K] } = {};
  if (record.asterisk_template !== undefined) {
    if (typeof record.asterisk_template !== 'string')
      throw new UsageError(`${path}: field "asterisk_template" must be a string`);
    out.asteriskTemplate = checkAsteriskTemplate(record.asterisk_template, `${path}: "asterisk_template"`);
  }
  if (record.columns !== undefined) {
    const block = Object.fromEntries(COLUMN_MAP_KEYS.flatMap((k) => (k in record ? [[k, record[k]]] : [])));
    const result = readColumnMap(block, path);
    if (!result.ok) throw new UsageError(`${path}: field "${result.key}" ${result.reason}`);
    out.columnMap = result.map;
    return out;
  }
  for (const key of ['outcomes', 'directions']) {
    if (record[key] !== undefined) throw new UsageError(`${path}: field "${key}" needs a "columns" block`);
  }
  if (record.date_format !== undefined)
    out.dateFormat = checkDateFormat(record.date_format, `${path}: field "date_format"`);
  return out;
}

/** Checks a `--date-format` (or a source file's `date_format`) at once, so a typo stops before any file. */
export function checkDateFormat(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new UsageError(`${where} must be a string such as "DD/MM/YYYY HH:mm"`);
  const compiled = compileDateFormat(value);
  if (!compiled.ok) throw new UsageError(`${where} '${value}': ${compiled.reason}`);
  return value;
}

/**
 * `--asterisk-template` is the mapping itself, or the path of a cdr_custom.conf whose first mapping is
 * used; either way it is checked at once.
 */
export function checkAsteriskTemplate(value: string, where = '--asterisk-template'): string {
  const template = existsSync(value) && statSync(value).isFile() ? readFileSync(value, 'utf8') : value;
  try {
    parseAsteriskTemplate(template);
  } catch (error) {
    if (error instanceof UsageError)
      throw new UsageError(`${where}: ${error.message.replace(/^--asterisk-template: /, '')}`);
    throw error;
  }
  return template;
}
