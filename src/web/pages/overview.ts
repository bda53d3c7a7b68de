import { get } from '../api.ts';
import { chartFigure } from '../charts.ts';
import {
  numberLink,
  pageTitle,
  ruleLabel,
  section,
  severityBadge,
  statusBadge,
  table,
  wideSection,
} from '../components.ts';
import { h } from '../dom.ts';
import { formatDay, formatInteger, formatPercent, formatShortDateTime, formatShortDay } from '../format.ts';
import { lang, t } from '../i18n.ts';
import type { Page } from '../page.ts';
import { type Ingest, type Overview, SEVERITIES, STATUSES, type Week } from '../types.ts';

export const overviewPage: Page = async () => {
  const data = await get<Overview>('/overview');
  const language = lang();
  const pct = (v: number | null) => formatPercent(v, language);
  const week = data.violationsThisWeek.week;
  const weekLink = week ? `/conformite?week=${encodeURIComponent(week)}` : '/conformite';
  const weekDays = data.weeks.map((w) => w.from);
  const weekLabels = data.weeks.map((w) => w.week.replace(/^\d{4}-W/, 'S'));
  const aligned = (weeks: readonly Week[], pick: (w: Week) => number | null) =>
    data.weeks.map((w) => {
      const same = weeks.find((x) => x.week === w.week);
      return same === undefined ? null : pick(same);
    });
  const rateChart = (id: string, title: string, pick: (w: Week) => number | null) =>
    chartFigure({
      id,
      title,
      days: weekDays,
      pointLabels: weekLabels,
      format: (v) => formatPercent(v, language),
      series: [
        { label: t('overview.clientWide'), values: data.weeks.map(pick) },
        ...data.providerWeeks.map((p) => ({ label: p.provider, values: aligned(p.weeks, pick) })),
      ],
    });

  return h(
    'div',
    { class: 'page overview' },
    pageTitle(
      t('overview.title'),
      data.asOf ? h('p', { class: 'as-of' }, t('app.asOf', { day: formatDay(data.asOf, language) })) : null,
    ),
    h(
      'div',
      { class: 'grid' },
      section(
        t('overview.byStatus'),
        h(
          'ul',
          { class: 'tiles' },
          STATUSES.map((status) =>
            h(
              'li',
              null,
              h(
                'a',
                { href: `/numeros?status=${status}`, class: 'tile' },
                h(
                  'span',
                  { class: 'tile-value' },
                  formatInteger(data.numbersByStatus[status] ?? 0, language),
                ),
                statusBadge(status),
              ),
            ),
          ),
        ),
      ),
      section(
        t('overview.openAlerts'),
        h(
          'ul',
          { class: 'tiles' },
          SEVERITIES.map((severity) =>
            h(
              'li',
              null,
              h(
                'a',
                { href: `/alertes?severity=${severity}&state=active`, class: 'tile' },
                h('span', { class: 'tile-value' }, formatInteger(data.openAlerts[severity] ?? 0, language)),
                severityBadge(severity),
              ),
            ),
          ),
        ),
      ),
      section(
        t('overview.rates'),
        h(
          'div',
          { class: 'charts-2' },
          rateChart('answer-rate', t('overview.answerRate'), (w) => w.answerRate),
          rateChart('report-rate', t('overview.reportRate'), (w) => w.reportRate),
        ),
      ),
      wideSection(
        t('overview.actToday'),
        h('p', { class: 'hint' }, t('overview.actTodayHint')),
        table(
          t('overview.actToday'),
          [
            { label: t('col.number'), cell: (r) => numberLink(r.number, r.display) },
            { label: t('col.status'), cell: (r) => statusBadge(r.status) },
            { label: t('col.score'), cell: (r) => formatInteger(r.score, language), numeric: true },
            { label: t('col.reportRate7d'), cell: (r) => pct(r.reportRate7d), numeric: true },
            {
              label: t('col.projection'),
              cell: (r) =>
                r.day
                  ? t('overview.crosses', {
                      threshold: formatPercent(r.threshold, language, 0),
                      day: formatShortDay(r.day, language),
                      earliest: r.earliest ? formatShortDay(r.earliest, language) : '—',
                      latest: r.latest ? formatShortDay(r.latest, language) : '—',
                    })
                  : '—',
            },
            { label: t('col.providers'), cell: (r) => r.providers.join(', ') },
          ],
          data.actToday,
        ),
      ),
      wideSection(
        t('overview.providers'),
        table(
          t('overview.providers'),
          [
            { label: t('col.rank'), cell: (r) => r.rank, numeric: true },
            {
              label: t('col.provider'),
              cell: (r) =>
                h('a', { href: `/numeros?provider=${encodeURIComponent(r.provider)}` }, r.provider),
            },
            { label: t('col.numbers'), cell: (r) => formatInteger(r.numbers, language), numeric: true },
            { label: t('col.attempts7d'), cell: (r) => formatInteger(r.attempts7d, language), numeric: true },
            { label: t('col.answerRate7d'), cell: (r) => pct(r.answerRate7d), numeric: true },
            { label: t('col.reportRate7d'), cell: (r) => pct(r.reportRate7d), numeric: true },
            { label: t('col.meanScore'), cell: (r) => formatInteger(r.meanScore, language), numeric: true },
            { label: t('col.atRisk'), cell: (r) => formatInteger(r.atRisk, language), numeric: true },
            {
              label: t('col.violations'),
              cell: (r) => formatInteger(r.violationsThisWeek, language),
              numeric: true,
            },
          ],
          data.providers,
        ),
      ),
      section(
        t('overview.violations', { week: week ?? '—' }),
        h(
          'p',
          { class: 'big' },
          h('a', { href: weekLink }, formatInteger(data.violationsThisWeek.total, language)),
        ),
        table(
          t('overview.violations', { week: week ?? '—' }),
          [
            {
              label: t('col.rule'),
              cell: (r) =>
                h(
                  'a',
                  {
                    href: `${weekLink}${week ? '&' : '?'}rule=${encodeURIComponent(r.rule)}`,
                  },
                  ruleLabel(r.rule),
                ),
            },
            { label: t('col.count'), cell: (r) => formatInteger(r.count, language), numeric: true },
          ],
          data.violationsThisWeek.byRule,
        ),
      ),
      section(t('overview.lastIngests'), ingestTable(data.lastIngests)),
    ),
  );
};

export function ingestTable(ingests: readonly Ingest[]): HTMLElement {
  const language = lang();
  return table(
    t('overview.lastIngests'),
    [
      { label: t('col.date'), cell: (r) => formatShortDateTime(r.createdAt, language) },
      { label: t('col.kind'), cell: (r) => t(`imports.kind.${r.kind}`) },
      { label: t('col.file'), cell: (r) => r.files.map((f) => f.name).join(', ') },
      {
        label: t('col.stored'),
        cell: (r) =>
          formatInteger(
            r.files.reduce((n, f) => n + f.stored, 0),
            language,
          ),
        numeric: true,
      },
      { label: t('col.quarantined'), cell: (r) => formatInteger(r.quarantined, language), numeric: true },
      {
        label: t('col.status'),
        cell: (r) =>
          r.status === 'done' || r.status === 'failed' ? t(`imports.status.${r.status}`) : r.status,
      },
      { label: t('col.by'), cell: (r) => r.by ?? '—' },
    ],
    ingests,
  );
}
