import { getAll } from '../api.ts';
import { sparkline } from '../charts.ts';
import { distinct, numberLink, pageTitle, selectField, statusBadge } from '../components.ts';
import { type Child, h, replace, uid } from '../dom.ts';
import { formatDecimal, formatInteger, formatPercent, phoneMatches, phoneSearchDigits } from '../format.ts';
import { lang, t } from '../i18n.ts';
import type { Page } from '../page.ts';
import { type NumberItem, STATUSES } from '../types.ts';

type SortKey =
  | 'number'
  | 'status'
  | 'score'
  | 'answerRate7d'
  | 'reportRate7d'
  | 'attemptsPerDay7d'
  | 'shortShare7d';

interface Column {
  readonly key: string;
  readonly label: string;
  readonly sort?: SortKey;
  readonly numeric?: boolean;
  readonly cell: (row: NumberItem) => Child;
}

const ROW_HEIGHT = 40;
const OVERSCAN = 8;

const STATUS_ORDER = new Map(STATUSES.map((s, i) => [s, i]));

function compare(key: SortKey): (a: NumberItem, b: NumberItem) => number {
  if (key === 'number') return (a, b) => (a.number < b.number ? -1 : a.number > b.number ? 1 : 0);
  if (key === 'status')
    return (a, b) => (STATUS_ORDER.get(a.status) ?? 0) - (STATUS_ORDER.get(b.status) ?? 0);
  // Missing figures sort last whichever the direction (handled by the caller).
  return (a, b) => (a[key] ?? Number.NaN) - (b[key] ?? Number.NaN);
}

export const numbersPage: Page = async (context) => {
  const language = lang();
  const all = await getAll<NumberItem>('/numbers', { limit: 10000 });
  const q = context.query;
  const filters = {
    provider: q.get('provider') ?? '',
    client: q.get('client') ?? '',
    campaign: q.get('campaign') ?? '',
    status: q.get('status') ?? '',
    q: q.get('q') ?? '',
  };
  let sortKey: SortKey = (q.get('sort') as SortKey | null) ?? 'score';
  let descending = q.get('dir') === 'desc';

  const pct = (v: number | null) => formatPercent(v, language);
  const columns: Column[] = [
    { key: 'number', label: t('col.number'), sort: 'number', cell: (r) => numberLink(r.number, r.display) },
    { key: 'status', label: t('col.status'), sort: 'status', cell: (r) => statusBadge(r.status) },
    {
      key: 'score',
      label: t('col.score'),
      sort: 'score',
      numeric: true,
      cell: (r) => formatInteger(r.score, language),
    },
    {
      key: 'answer',
      label: t('col.answerRate7d'),
      sort: 'answerRate7d',
      numeric: true,
      cell: (r) => pct(r.answerRate7d),
    },
    {
      key: 'report',
      label: t('col.reportRate7d'),
      sort: 'reportRate7d',
      numeric: true,
      cell: (r) => pct(r.reportRate7d),
    },
    {
      key: 'cap',
      label: t('col.attemptsCap'),
      sort: 'attemptsPerDay7d',
      numeric: true,
      cell: (r) =>
        h(
          'span',
          { class: (r.attemptsPerDay7d ?? 0) > r.cap ? 'over-cap' : null },
          `${formatDecimal(r.attemptsPerDay7d, language, 0)} / ${formatInteger(r.cap, language)}`,
        ),
    },
    {
      key: 'short',
      label: t('col.shortShare'),
      sort: 'shortShare7d',
      numeric: true,
      cell: (r) => pct(r.shortShare7d),
    },
    {
      key: 'spark',
      label: t('col.sparkline'),
      cell: (r) => {
        const values = (r.sparkline ?? []).map((d) => d.answerRate);
        return sparkline(values, t('numbers.sparkline', { values: values.map((v) => pct(v)).join(', ') }));
      },
    },
    { key: 'providers', label: t('col.providers'), cell: (r) => r.providers.join(', ') },
    { key: 'campaigns', label: t('col.campaigns'), cell: (r) => r.campaigns.join(', ') },
  ];

  let rows: NumberItem[] = [];
  const count = h('p', { class: 'count', role: 'status', 'aria-live': 'polite' });
  const tbody = h('tbody');
  const headRow = h('tr', { 'aria-rowindex': 1 });
  const tableEl = h(
    'table',
    { class: 'data numbers', 'aria-label': t('numbers.table') },
    h('thead', null, headRow),
    tbody,
  );
  const scroller = h(
    'div',
    { class: 'vscroll', tabindex: 0, role: 'region', 'aria-label': t('numbers.table') },
    tableEl,
  );

  function renderHead(): void {
    replace(
      headRow,
      columns.map((c) => {
        const sorted = c.sort !== undefined && c.sort === sortKey;
        return h(
          'th',
          {
            scope: 'col',
            class: `col-${c.key}${c.numeric ? ' num' : ''}`,
            'aria-sort': sorted ? (descending ? 'descending' : 'ascending') : c.sort ? 'none' : null,
          },
          c.sort
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'sort',
                  'aria-label': t('numbers.sortBy', { column: c.label }),
                  onclick: () => {
                    if (sortKey === c.sort) descending = !descending;
                    else {
                      sortKey = c.sort as SortKey;
                      descending = false;
                    }
                    apply();
                  },
                },
                c.label,
                h(
                  'span',
                  { 'aria-hidden': 'true', class: 'arrow' },
                  sorted ? (descending ? ' ▼' : ' ▲') : '',
                ),
              )
            : c.label,
        );
      }),
    );
  }

  let lastStart = -1;
  let lastEnd = -1;
  function renderRows(force = false): void {
    const viewport = scroller.clientHeight || 600;
    const top = Math.max(0, scroller.scrollTop - ROW_HEIGHT);
    const start = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const end = Math.min(rows.length, Math.ceil((top + viewport) / ROW_HEIGHT) + OVERSCAN);
    if (!force && start === lastStart && end === lastEnd) return;
    lastStart = start;
    lastEnd = end;
    const spacer = (height: number) =>
      height > 0
        ? h('tr', { class: 'spacer', 'aria-hidden': 'true' }, h('td', { colspan: columns.length }))
        : null;
    const topSpacer = spacer(start * ROW_HEIGHT);
    const bottomSpacer = spacer((rows.length - end) * ROW_HEIGHT);
    replace(
      tbody,
      topSpacer,
      rows.slice(start, end).map((row, i) =>
        h(
          'tr',
          { 'aria-rowindex': start + i + 2, 'data-number': row.number },
          columns.map((c) => h('td', { class: `col-${c.key}${c.numeric ? ' num' : ''}` }, c.cell(row))),
        ),
      ),
      bottomSpacer,
    );
    // Spacer heights are set through the CSSOM (the CSP forbids style attributes, not this).
    for (const [cell, height] of [
      [topSpacer?.firstElementChild, start * ROW_HEIGHT],
      [bottomSpacer?.firstElementChild, (rows.length - end) * ROW_HEIGHT],
    ] as const) {
      if (cell instanceof HTMLElement) cell.style.height = `${height}px`;
    }
  }

  function apply(): void {
    const search = phoneSearchDigits(filters.q);
    const typedSomething = filters.q.trim() !== '';
    rows = all.filter(
      (r) =>
        (filters.provider === '' || r.providers.includes(filters.provider)) &&
        (filters.client === '' || r.clients.includes(filters.client)) &&
        (filters.campaign === '' || r.campaigns.includes(filters.campaign)) &&
        (filters.status === '' || r.status === filters.status) &&
        (!typedSomething || (search !== '' && phoneMatches(r.number, search))),
    );
    const base = compare(sortKey);
    const missing = (r: NumberItem) =>
      sortKey !== 'number' && sortKey !== 'status' && (r[sortKey] === null || r[sortKey] === undefined);
    rows.sort((a, b) => {
      const ma = missing(a);
      const mb = missing(b);
      if (ma !== mb) return ma ? 1 : -1;
      const c = ma ? 0 : base(a, b);
      return (descending ? -c : c) || (a.number < b.number ? -1 : 1);
    });
    tableEl.setAttribute('aria-rowcount', String(rows.length + 1));
    count.textContent = t('numbers.count', {
      n: formatInteger(rows.length, language),
      total: formatInteger(all.length, language),
    });
    context.setQuery({
      ...filters,
      sort: sortKey === 'score' ? undefined : sortKey,
      dir: descending ? 'desc' : undefined,
    });
    renderHead();
    scroller.scrollTop = 0;
    renderRows(true);
  }

  let frame = 0;
  scroller.addEventListener('scroll', () => {
    if (frame !== 0) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      renderRows();
    });
  });
  new ResizeObserver(() => renderRows(true)).observe(scroller);

  const options = (values: Iterable<string>) => distinct(values).map((v) => ({ value: v, label: v }));
  const searchId = uid('f');
  const hintId = uid('h');
  const searchInput = h('input', {
    id: searchId,
    type: 'search',
    name: 'q',
    value: filters.q,
    inputmode: 'tel',
    autocomplete: 'off',
    'aria-describedby': hintId,
    oninput: (event: Event) => {
      filters.q = (event.target as HTMLInputElement).value;
      apply();
    },
  });
  const filterBar = h(
    'form',
    { class: 'filters', role: 'search', onsubmit: (event: Event) => event.preventDefault() },
    h(
      'div',
      { class: 'field search' },
      h('label', { for: searchId }, t('numbers.search')),
      searchInput,
      h('small', { id: hintId }, t('numbers.searchHint')),
    ),
    selectField(
      t('col.status'),
      'status',
      STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) })),
      filters.status,
      (v) => {
        filters.status = v;
        apply();
      },
    ),
    selectField(
      t('col.provider'),
      'provider',
      options(all.flatMap((r) => r.providers)),
      filters.provider,
      (v) => {
        filters.provider = v;
        apply();
      },
    ),
    selectField(t('col.client'), 'client', options(all.flatMap((r) => r.clients)), filters.client, (v) => {
      filters.client = v;
      apply();
    }),
    selectField(
      t('col.campaign'),
      'campaign',
      options(all.flatMap((r) => r.campaigns)),
      filters.campaign,
      (v) => {
        filters.campaign = v;
        apply();
      },
      'app.allFem',
    ),
  );

  apply();
  return h('div', { class: 'page numbers-page' }, pageTitle(t('numbers.title')), filterBar, count, scroller);
};
