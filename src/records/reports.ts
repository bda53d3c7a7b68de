import type { PhoneResult } from '../numbering/phone.ts';
import type { RowProblem } from './validate.ts';

/** One spam report (signalement) against a number, or a per-day count of them (records.md §4). */
export interface SpamReport {
  readonly number: string;
  readonly reportedAt: Date;
  readonly source: string;
  readonly category: string | null;
  readonly comment: string | null;
  readonly count: number;
}

export type ReportParse =
  | { readonly ok: true; readonly report: SpamReport }
  | { readonly ok: false; readonly problem: RowProblem };

const problem = (code: string, field: string, fr: string, en: string): ReportParse => ({
  ok: false,
  problem: { code, field, fr, en },
});

const ISO_OFFSET = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;
const LOCAL = /^(?:(\d{4})-(\d{2})-(\d{2})|(\d{2})\/(\d{2})\/(\d{4}))(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * Reads a report time: ISO with an offset, or a naive local date/time (`2026-11-23 10:15`,
 * `23/11/2026`) in `zoneOffset`'s zone. `toUtc` converts a naive local time with the IANA zone.
 */
export function parseReportTime(text: string, toUtc: (local: string) => Date | undefined): Date | undefined {
  const t = text.trim();
  const offset = ISO_OFFSET.exec(t);
  if (offset) {
    const date = new Date(t.replace(' ', 'T'));
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  const local = LOCAL.exec(t);
  if (!local) return undefined;
  const [year, month, day] = local[1] ? [local[1], local[2], local[3]] : [local[6], local[5], local[4]];
  const iso = `${year}-${month}-${day}T${local[7] ?? '00'}:${local[8] ?? '00'}:${local[9] ?? '00'}`;
  return toUtc(iso);
}

/** Turns one row of a reports file (by column name) into a report, or the reason it cannot be stored. */
export function parseReportRow(
  row: Readonly<Record<string, string | undefined>>,
  normalise: (raw: string) => PhoneResult,
  toUtc: (local: string) => Date | undefined,
): ReportParse {
  const numberText = row.number?.trim() ?? '';
  if (numberText === '') return problem('number_missing', 'number', 'numéro manquant', 'missing number');
  const phone = normalise(numberText);
  if (!phone.ok || phone.value === 'anonymous')
    return problem('number_invalid', 'number', 'numéro invalide', 'invalid number');
  const perDay = row.reported_at === undefined && row.day !== undefined;
  const timeText = (perDay ? row.day : row.reported_at)?.trim() ?? '';
  const field = perDay ? 'day' : 'reported_at';
  if (timeText === '')
    return problem('reported_at_missing', field, 'date de signalement manquante', 'missing report date');
  const reportedAt = parseReportTime(timeText, toUtc);
  if (reportedAt === undefined)
    return problem('reported_at_invalid', field, 'date de signalement illisible', 'unreadable report date');
  const source = row.source?.trim() ?? '';
  if (source === '') return problem('source_missing', 'source', 'source manquante', 'missing source');
  let count = 1;
  if (perDay) {
    const text = row.reports?.trim() ?? '';
    count = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(count) || count < 0) {
      return problem(
        'reports_invalid',
        'reports',
        'nombre de signalements illisible',
        'unreadable report count',
      );
    }
  }
  const optional = (value: string | undefined) => (value?.trim() ? value.trim() : null);
  return {
    ok: true,
    report: {
      number: phone.value,
      reportedAt,
      source: source.toLowerCase(),
      category: optional(row.category),
      comment: optional(row.comment),
      count,
    },
  };
}
