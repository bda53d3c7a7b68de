import { BREACH_LABELS, frenchNumber, type Lang, label, STATUS_LABELS } from '../providers/labels.ts';
import type { Card } from '../providers/scorecard.ts';
import type { WeeklyReport } from '../providers/service.ts';

/** The byte-order mark Excel needs to read a CSV as UTF-8. */
export const BOM = '\uFEFF';
export const SEPARATOR = ';';

type Cell = string | number | null;

/**
 * One CSV cell. Written by hand (no CSV writer is a dependency, and the rules are four): numbers in the
 * French spreadsheet form (decimal comma, no grouping); text quoted when it holds the separator, a quote
 * or a line break; text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`) led by `'`.
 */
export function csvCell(value: Cell, lang: Lang): string {
  if (value === null) return '';
  if (typeof value === 'number') {
    const text = Number.isInteger(value) ? String(value) : String(Number(value.toFixed(6)));
    return lang === 'fr' ? text.replace('.', ',') : text;
  }
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[;"\r\n,]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const euros = (cents: number) => cents / 100;

const T = {
  numbers: { fr: 'Numéros présentés', en: 'Caller IDs' },
  violations: { fr: 'Infractions', en: 'Violations' },
  breaches: { fr: 'Manquements au contrat', en: 'Contract breaches' },
  penalties: { fr: 'Pénalités', en: 'Penalties' },
  revision: { fr: 'Révision', en: 'Revision' },
  euros: { fr: 'EUR', en: 'EUR' },
  gross: { fr: 'Brut EUR', en: 'Gross EUR' },
  due: { fr: 'Dû EUR', en: 'Due EUR' },
  unit: { fr: 'Unitaire EUR', en: 'Unit EUR' },
  before: { fr: 'Avant', en: 'Before' },
  after: { fr: 'Après', en: 'After' },
  field: { fr: 'Champ', en: 'Field' },
  issuedAt: { fr: 'Émis le', en: 'Issued at' },
  firstCall: { fr: 'Premier appel', en: 'First call' },
  lastCall: { fr: 'Dernier appel', en: 'Last call' },
} as const;

/** The weekly report as one CSV for a spreadsheet: `;`-separated, UTF-8 with a BOM, one block per table. */
export function renderWeeklyCsv(r: WeeklyReport, lang: Lang = 'fr'): string {
  const rows: Cell[][] = [];
  const block = (title: string, head: readonly string[], body: readonly Cell[][]) => {
    if (rows.length > 0) rows.push([]);
    rows.push([title]);
    rows.push([...head]);
    rows.push(...body);
  };
  rows.push([
    label('week', lang),
    r.week,
    r.from,
    r.to,
    label('provider', lang),
    r.provider,
    label('client', lang),
    r.client,
    r.revision === null ? null : label('revised', lang),
  ]);
  const card = (c: Card): Cell[] => [
    c.rank,
    c.name,
    c.attempts,
    c.answered,
    c.answerRate,
    c.answerRateTrend,
    c.reports,
    c.reportRate,
    c.numbers,
    c.burnt.length,
    c.violations,
    c.violationsPer1000,
    Object.values(c.clauseBreaches).reduce((a, b) => a + b, 0),
    c.inbound?.serviceLevel ?? null,
    c.inbound?.abandonment ?? null,
    c.mystery?.averageScore ?? null,
    c.penalties === null ? null : euros(c.penalties.dueCents),
    c.score,
  ];
  const cardHead = [
    label('rank', lang),
    label('provider', lang),
    label('attempts', lang),
    lang === 'fr' ? 'Décrochés' : 'Answered',
    label('answerRate', lang),
    label('trend', lang),
    label('reports', lang),
    label('reportRate', lang),
    label('numbers', lang),
    label('burnt', lang),
    T.violations[lang],
    label('violationsPer1000', lang),
    label('breaches', lang),
    label('inbound', lang),
    label('abandonment', lang),
    label('mystery', lang),
    `${label('penalties', lang)} EUR`,
    label('score', lang),
  ];
  block(label('providers', lang), cardHead, r.scorecard.providers.map(card));
  block(label('sites', lang), cardHead, r.scorecard.sites.map(card));
  block(
    T.numbers[lang],
    [
      label('number', lang),
      label('provider', lang),
      label('attempts', lang),
      lang === 'fr' ? 'Décrochés' : 'Answered',
      label('answerRate', lang),
      label('reports', lang),
      label('reportRate', lang),
      label('status', lang),
      label('actions', lang),
    ],
    r.numbers.map((n) => [
      frenchNumber(n.callerId),
      n.providers.join(', '),
      n.attempts,
      n.answered,
      n.answerRate,
      n.reports,
      n.reportRate,
      n.status === null ? null : STATUS_LABELS[n.status][lang],
      n.actions.map((a) => `${a.day} ${a.action}: ${a.reason}`).join(' | '),
    ]),
  );
  block(
    T.violations[lang],
    [
      label('day', lang),
      label('provider', lang),
      label('site', lang),
      label('number', lang),
      label('rule', lang),
      'call_id',
    ],
    r.violations.map((v) => [v.day, v.provider, v.site, frenchNumber(v.callerId), v.rule, v.callId]),
  );
  const charged = new Map(
    r.scorecard.providers.flatMap((c) =>
      (c.penalties?.breaches ?? []).map((b) => [`${b.type} ${b.day} ${b.subject} ${c.provider}`, b] as const),
    ),
  );
  block(
    T.breaches[lang],
    [
      label('day', lang),
      label('provider', lang),
      label('type', lang),
      label('number', lang),
      label('count', lang),
      label('evidence', lang),
      T.firstCall[lang],
      T.lastCall[lang],
      T.due[lang],
    ],
    r.scorecard.breaches.map((b) => {
      const c = charged.get(`${b.type} ${b.day} ${b.subject} ${b.provider}`);
      return [
        b.day,
        b.provider,
        BREACH_LABELS[b.type][lang],
        /^\+\d+$/.test(b.subject) ? frenchNumber(b.subject) : b.subject,
        b.count,
        b.evidence,
        b.firstCallId,
        b.lastCallId,
        c === undefined ? null : euros(c.dueCents),
      ];
    }),
  );
  block(
    T.penalties[lang],
    [
      label('provider', lang),
      label('month', lang),
      label('type', lang),
      label('count', lang),
      T.unit[lang],
      T.gross[lang],
      T.due[lang],
    ],
    r.scorecard.providers.flatMap((c) =>
      (c.penalties?.lines ?? []).map((l) => [
        c.name,
        l.month,
        BREACH_LABELS[l.type][lang],
        l.count,
        euros(l.unitCents),
        euros(l.grossCents),
        euros(l.dueCents),
      ]),
    ),
  );
  if (r.revision !== null) {
    block(
      `${T.revision[lang]} · ${T.issuedAt[lang]} ${r.revision.issuedAt}`,
      [label('provider', lang), T.field[lang], T.before[lang], T.after[lang]],
      r.revision.differences.map((d) =>
        d.field === 'penaltiesDueCents'
          ? [d.provider, 'penaltiesDue EUR', euros(d.before), euros(d.after)]
          : [d.provider, d.field, d.before, d.after],
      ),
    );
  }
  return `${BOM}${rows.map((row) => row.map((c) => csvCell(c, lang)).join(SEPARATOR)).join('\r\n')}\r\n`;
}
