import { apiUrl, get, type List } from '../api.ts';
import { chartFigure } from '../charts.ts';
import {
  errorBox,
  numberLink,
  pageTitle,
  phoneText,
  ruleLabel,
  section,
  selectField,
  table,
} from '../components.ts';
import { h, replace } from '../dom.ts';
import { formatDecimal, formatInteger, formatShortDateTime, formatTime } from '../format.ts';
import { lang, t } from '../i18n.ts';
import type { Page } from '../page.ts';
import type { Violation, ViolationSummary } from '../types.ts';

/** Monday of an ISO week `2026-W47`, as a day. */
function weekMonday(week: string): string {
  const match = /^(\d{4})-W(\d{2})$/.exec(week);
  if (match === null) return week;
  const year = Number(match[1]);
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const monday = new Date(
    jan4.getTime() - (((jan4.getUTCDay() + 6) % 7) - (Number(match[2]) - 1) * 7) * 86_400_000,
  );
  return monday.toISOString().slice(0, 10);
}

export const compliancePage: Page = async (context) => {
  const language = lang();
  const q = context.query;
  const filters = { rule: q.get('rule') ?? '', provider: q.get('provider') ?? '', week: q.get('week') ?? '' };
  const all = await get<ViolationSummary>('/violations/summary');
  const summaryHolder = h('div');
  const callsHolder = h('div', { class: 'drill' });
  const exportLink = h('a', { class: 'button', download: 'violations.csv' }, t('compliance.export'));

  const setFilter = (key: keyof typeof filters, value: string) => {
    filters[key] = value;
    void load();
  };

  async function loadCalls(cursor: string | null, append: boolean): Promise<void> {
    try {
      const page = await get<List<Violation>>('/violations', { ...filters, limit: 100, cursor });
      const rows = table(
        t('compliance.calls'),
        [
          { label: t('col.rule'), cell: (v) => ruleLabel(v.rule) },
          { label: t('col.date'), cell: (v) => formatShortDateTime(v.startedAt, language) },
          { label: t('col.time'), cell: (v) => formatTime(v.startedAt, language, v.timeZone) },
          { label: t('col.caller'), cell: (v) => numberLink(v.caller) },
          { label: t('col.callee'), cell: (v) => phoneText(v.callee) },
          { label: t('col.provider'), cell: (v) => v.provider ?? '—' },
          { label: t('col.campaign'), cell: (v) => v.campaign ?? '—' },
          { label: t('col.explanation'), cell: (v) => v.explanation },
        ],
        page.items,
      );
      const more =
        page.nextCursor === null
          ? null
          : h(
              'button',
              { type: 'button', onclick: () => void loadCalls(page.nextCursor, true) },
              t('app.more'),
            );
      if (append) {
        callsHolder.querySelector('button.more')?.remove();
        callsHolder.append(rows);
      } else replace(callsHolder, h('h3', null, t('compliance.calls')), rows);
      if (more) {
        more.classList.add('more');
        callsHolder.append(more);
      }
    } catch (error) {
      replace(callsHolder, errorBox(error));
    }
  }

  async function load(): Promise<void> {
    context.setQuery(filters);
    for (const [key, value] of Object.entries(filters)) {
      const select = filterBar.querySelector<HTMLSelectElement>(`select[name="${key}"]`);
      if (select) select.value = value;
    }
    exportLink.setAttribute('href', apiUrl('/violations', { ...filters, format: 'csv' }));
    try {
      const summary = await get<ViolationSummary>('/violations/summary', filters);
      const byWeek = [...summary.byWeek].sort((a, b) => (a.week < b.week ? -1 : 1));
      replace(
        summaryHolder,
        h(
          'p',
          { class: 'big', role: 'status' },
          t('compliance.total', {
            total: formatInteger(summary.total, language),
            calls: formatInteger(summary.calls, language),
          }),
        ),
        h(
          'div',
          { class: 'grid' },
          section(
            t('compliance.byRule'),
            table(
              t('compliance.byRule'),
              [
                {
                  label: t('col.rule'),
                  cell: (r) =>
                    h(
                      'button',
                      {
                        type: 'button',
                        class: 'link',
                        'data-rule': r.rule,
                        onclick: () => setFilter('rule', r.rule),
                      },
                      ruleLabel(r.rule),
                    ),
                },
                { label: t('col.count'), cell: (r) => formatInteger(r.count, language), numeric: true },
              ],
              summary.byRule,
            ),
          ),
          section(
            t('compliance.byProvider'),
            table(
              t('compliance.byProvider'),
              [
                {
                  label: t('col.provider'),
                  cell: (r) =>
                    h(
                      'button',
                      { type: 'button', class: 'link', onclick: () => setFilter('provider', r.provider) },
                      r.provider,
                    ),
                },
                { label: t('col.count'), cell: (r) => formatInteger(r.count, language), numeric: true },
                { label: t('col.calls'), cell: (r) => formatInteger(r.calls, language), numeric: true },
                {
                  label: t('col.perThousand'),
                  cell: (r) => formatDecimal(r.perThousand, language, 1),
                  numeric: true,
                },
              ],
              summary.byProvider,
            ),
          ),
          section(
            t('compliance.byWeek'),
            byWeek.length > 0
              ? chartFigure({
                  id: 'violations-week',
                  title: t('compliance.byWeek'),
                  days: byWeek.map((w) => weekMonday(w.week)),
                  pointLabels: byWeek.map((w) => w.week),
                  format: (v) => formatInteger(v, language),
                  series: [
                    {
                      label: t('col.violations'),
                      values: byWeek.map((w) => w.count),
                      bars: true,
                      color: '#b3261e',
                    },
                  ],
                })
              : h('p', null, t('app.noData')),
          ),
        ),
      );
    } catch (error) {
      replace(summaryHolder, errorBox(error));
    }
    await loadCalls(null, false);
  }

  const options = (values: readonly string[]) => values.map((v) => ({ value: v, label: v }));
  const filterBar = h(
    'form',
    { class: 'filters', onsubmit: (event: Event) => event.preventDefault() },
    selectField(
      t('col.rule'),
      'rule',
      all.byRule.map((r) => ({ value: r.rule, label: ruleLabel(r.rule) })),
      filters.rule,
      (v) => setFilter('rule', v),
      'app.allFem',
    ),
    selectField(
      t('col.provider'),
      'provider',
      options(all.byProvider.map((p) => p.provider)),
      filters.provider,
      (v) => setFilter('provider', v),
    ),
    selectField(
      t('compliance.filterWeek'),
      'week',
      options(all.byWeek.map((w) => w.week).sort()),
      filters.week,
      (v) => setFilter('week', v),
      'app.allFem',
    ),
    exportLink,
  );
  await load();
  return h(
    'div',
    { class: 'page compliance-page' },
    pageTitle(t('compliance.title')),
    filterBar,
    summaryHolder,
    callsHolder,
  );
};
