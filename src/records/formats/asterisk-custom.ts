import { UsageError } from '../../shared/errors.ts';
import { asteriskFormat } from './asterisk.ts';
import { type ColumnLookup, type FormatSpec, NULL, type Projection } from './spec.ts';

/** The CDR variables Vigie reads (the others in a template are kept as unnamed columns). */
const KNOWN = new Set([
  'accountcode',
  'src',
  'dst',
  'dcontext',
  'clid',
  'channel',
  'dstchannel',
  'lastapp',
  'lastdata',
  'start',
  'answer',
  'end',
  'duration',
  'billsec',
  'disposition',
  'amaflags',
  'uniqueid',
  'userfield',
  'peeraccount',
  'linkedid',
  'sequence',
]);

const REQUIRED = ['start', 'dst', 'disposition'];

/** Splits on commas that are outside `${…}` and `(…)`, as Asterisk substitutes the template. */
function splitTopLevel(template: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of template) {
    if (ch === '{' || ch === '(') depth++;
    if (ch === '}' || ch === ')') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      items.push(current);
      current = '';
    } else current += ch;
  }
  items.push(current);
  return items;
}

/** One column of a cdr_custom template: the CDR variable it holds, and whether it is raw (`,u`/`,f`). */
export interface TemplateColumn {
  readonly name: string;
  readonly raw: boolean;
}

/**
 * Reads a cdr_custom mapping (`Master.csv => ${CSV_QUOTE(${CDR(clid)})},${CDR(start)},…`) or a plain
 * list of CDR variables (`clid,src,dst,start,…`) into the file's columns. A column that is not a CDR
 * variable Vigie knows (`${CHANNEL(…)}`, a literal) is kept as `column_N` and ignored.
 */
export function parseAsteriskTemplate(template: string): TemplateColumn[] {
  const line = template
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith(';') && !l.startsWith('['));
  if (line === undefined) throw new UsageError('--asterisk-template: empty template');
  const arrow = line.indexOf('=>');
  const body = arrow >= 0 ? line.slice(arrow + 2).trim() : line;
  const columns = splitTopLevel(body).map((item, i): TemplateColumn => {
    const cdr = /\$\{CDR\(\s*([a-z_]+)\s*(?:,\s*([a-z]*))?\s*\)\}/i.exec(item);
    const plain = /^\s*"?([a-z_]+)"?\s*$/i.exec(item);
    const name = (cdr?.[1] ?? plain?.[1] ?? '').toLowerCase();
    const options = cdr?.[2] ?? '';
    return KNOWN.has(name) ? { name, raw: /[uf]/i.test(options) } : { name: `column_${i + 1}`, raw: false };
  });
  const names = columns.map((c) => c.name);
  const missing = REQUIRED.filter((r) => !names.includes(r));
  if (missing.length > 0) {
    throw new UsageError(
      `--asterisk-template: the template has no ${missing.join(', ')} (read: ${names.join(', ')}); Vigie needs start, dst and disposition`,
    );
  }
  const repeated = names.find((n, i) => !n.startsWith('column_') && names.indexOf(n) !== i);
  if (repeated !== undefined) throw new UsageError(`--asterisk-template: ${repeated} appears twice`);
  return columns;
}

/** An epoch written by `${CDR(start,u)}` as a UTC instant; other writings are left to the common readers. */
function epochOrText(expression: string): string {
  return `(CASE WHEN regexp_full_match(${expression}, '\\d{9,11}(\\.\\d+)?') THEN strftime(make_timestamp(CAST(CAST(${expression} AS DOUBLE) * 1000000 AS BIGINT)), '%Y-%m-%dT%H:%M:%SZ') ELSE ${expression} END)`;
}

/**
 * A cdr_custom file: header-less, its columns those of the template, read like cdr_csv's Master.csv.
 * Times written raw (`,u`) are epochs, hence UTC; formatted ones are the server's local time.
 */
export function asteriskCustomFormat(template: string): FormatSpec {
  const columns = parseAsteriskTemplate(template);
  const names = columns.map((c) => c.name);
  return {
    id: 'asterisk-custom',
    header: false,
    layout: (count) => (count === names.length ? names : undefined),
    project(col: ColumnLookup, defaults): Projection {
      const projection = asteriskFormat.project(col, defaults);
      const start = col('start');
      if (start === NULL) return projection;
      return { ...projection, startedAt: epochOrText(`nullif(trim(${start}), '')`) };
    },
  };
}
