import type { TableRow } from '../registry/csv.ts';

/** One mystery call or listening audit, as read from its row. */
export interface AuditRow {
  readonly line: number;
  readonly day: string;
  readonly provider: string;
  readonly site: string | null;
  readonly campaign: string | null;
  readonly kind: 'mystery' | 'listening';
  readonly score: number;
  readonly grid: Readonly<Record<string, readonly [number, number]>>;
  readonly passed: readonly string[];
  readonly failed: readonly string[];
  readonly comment: string | null;
}

export interface AuditProblem {
  readonly line: number;
  readonly field: string;
  readonly code: string;
  readonly fr: string;
  readonly en: string;
}

const KINDS: Record<string, 'mystery' | 'listening'> = {
  '': 'mystery',
  mystery: 'mystery',
  mystere: 'mystery',
  mystère: 'mystery',
  'appel mystère': 'mystery',
  'appel mystere': 'mystery',
  listening: 'listening',
  ecoute: 'listening',
  écoute: 'listening',
};
const PASS = new Set(['pass', 'ok', 'oui', 'yes', '1', 'true', 'conforme', 'vrai']);
const FAIL = new Set(['fail', 'ko', 'non', 'no', '0', 'false', 'non conforme', 'faux']);

function dayOf(text: string): string | undefined {
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const iso = m !== null ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
  m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  const day = iso ?? (m !== null ? `${m[3]}-${m[2]}-${m[1]}` : undefined);
  if (day === undefined) return undefined;
  const d = new Date(`${day}T12:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== day ? undefined : day;
}

/** `4/5`, `4,5/5` or `4` (out of 5 when `outOf` says so); undefined when unreadable. */
function pointsOf(text: string): [number, number] | undefined {
  const m = /^(\d+(?:[.,]\d+)?)\s*\/\s*(\d+(?:[.,]\d+)?)$/.exec(text);
  if (m === null) return undefined;
  const points = Number((m[1] ?? '').replace(',', '.'));
  const of = Number((m[2] ?? '').replace(',', '.'));
  return of > 0 && points <= of ? [points, of] : undefined;
}

/**
 * Reads one audit row: `date, provider, site, campaign, kind, comment`, grid scores in columns
 * `score:<criterion>` (`4/5`) and pass/fail items in columns `item:<name>`. A value that cannot be read
 * for sure is a problem naming its field: the row is quarantined, never guessed.
 */
export function parseAuditRow(
  row: TableRow,
  columns: readonly string[],
): { ok: true; audit: AuditRow } | { ok: false; problem: AuditProblem } {
  const fail = (field: string, code: string, fr: string, en: string) =>
    ({ ok: false, problem: { line: row.line, field, code, fr, en } }) as const;
  const day = dayOf(row.get('date'));
  if (day === undefined)
    return fail(
      'date',
      'bad_date',
      `date illisible « ${row.get('date')} »`,
      `unreadable date "${row.get('date')}"`,
    );
  const provider = row.get('provider');
  if (provider === '') return fail('provider', 'missing', 'prestataire manquant', 'provider missing');
  const kindText = row.get('kind').toLowerCase();
  const kind = KINDS[kindText];
  if (kind === undefined)
    return fail(
      'kind',
      'bad_kind',
      `type inconnu « ${kindText} » (mystery, listening)`,
      `unknown kind "${kindText}"`,
    );
  const grid: Record<string, [number, number]> = {};
  const passed: string[] = [];
  const failed: string[] = [];
  for (const column of columns) {
    const value = row.get(column);
    if (column.startsWith('score:')) {
      if (value === '') continue;
      const points = pointsOf(value);
      if (points === undefined)
        return fail(
          column,
          'bad_score',
          `note illisible « ${value} » (ex. 4/5)`,
          `unreadable score "${value}" (e.g. 4/5)`,
        );
      grid[column.slice(6)] = points;
    } else if (column.startsWith('item:')) {
      if (value === '') continue;
      const lower = value.toLowerCase();
      if (PASS.has(lower)) passed.push(column.slice(5));
      else if (FAIL.has(lower)) failed.push(column.slice(5));
      else
        return fail(
          column,
          'bad_item',
          `résultat illisible « ${value} » (pass/fail)`,
          `unreadable item "${value}"`,
        );
    }
  }
  const scores = Object.values(grid);
  const items = passed.length + failed.length;
  if (scores.length === 0 && items === 0)
    return fail('score', 'empty', 'ni note ni point de contrôle', 'no score and no item');
  const of = scores.reduce((s, [, m]) => s + m, 0);
  const score =
    scores.length > 0 ? (100 * scores.reduce((s, [p]) => s + p, 0)) / of : (100 * passed.length) / items;
  return {
    ok: true,
    audit: {
      line: row.line,
      day,
      provider,
      site: row.get('site') || null,
      campaign: row.get('campaign') || null,
      kind,
      score: Math.round(score * 100) / 100,
      grid,
      passed,
      failed,
      comment: row.get('comment') || null,
    },
  };
}
