import { get, post } from '../api.ts';
import { chartFigure } from '../charts.ts';
import {
  errorMessage,
  phoneText,
  notice,
  pageTitle,
  ruleLabel,
  section,
  severityBadge,
  stateBadge,
  statusBadge,
  table,
} from '../components.ts';
import { type Child, h, replace, uid } from '../dom.ts';
import {
  formatDay,
  formatDecimal,
  formatInteger,
  formatPercent,
  formatPhone,
  formatShortDateTime,
  formatTime,
} from '../format.ts';
import { lang, type MessageKey, t, tMaybe } from '../i18n.ts';
import { canAct, type Page, type PageContext } from '../page.ts';
import type { NumberDetail } from '../types.ts';

export const numberPage: Page = async (context) => {
  const typed = context.params[0] ?? '';
  const detail = await get<NumberDetail>(`/numbers/${encodeURIComponent(typed)}`);
  // A number typed another way (/numeros/0162000001) gets its canonical URL.
  if (detail.number !== typed) history.replaceState(null, '', `/numeros/${detail.number}${location.search}`);
  const holder = h('div', { class: 'page number-page' });
  replace(holder, numberView(detail, context, holder));
  return holder;
};

function numberView(
  detail: NumberDetail,
  context: PageContext,
  holder: HTMLElement,
  message?: Child,
): Child[] {
  const language = lang();
  const pct = (v: number | null) => formatPercent(v, language);
  const days = detail.daily.map((d) => d.day);
  const capOf = new Map((detail.ramp ?? []).map((r) => [r.day, r.cap]));
  const dl = (pairs: [string, Child][]) =>
    h(
      'dl',
      { class: 'facts' },
      pairs.map(([k, v]) => h('div', null, h('dt', null, k), h('dd', null, v))),
    );
  const display = detail.display ?? formatPhone(detail.number);

  return [
    pageTitle(
      t('number.title', { number: display }),
      h(
        'p',
        { class: 'head-badges' },
        statusBadge(detail.status),
        ' ',
        t('number.scoreTotal', { score: formatInteger(detail.score, language) }),
      ),
    ),
    message ?? null,
    h(
      'div',
      { class: 'grid' },
      section(
        t('number.summary'),
        dl([
          [t('col.status'), statusBadge(detail.status)],
          [t('col.score'), formatInteger(detail.score, language)],
          [t('col.answerRate7d'), pct(detail.answerRate7d)],
          [
            t('col.reportRate7d'),
            `${pct(detail.reportRate7d)} (${formatInteger(detail.reports7d, language)})`,
          ],
          [
            t('col.attemptsCap'),
            `${formatDecimal(detail.attemptsPerDay7d, language, 0)} / ${formatInteger(detail.cap, language)}`,
          ],
          [t('col.shortShare'), pct(detail.shortShare7d)],
          [t('col.providers'), detail.providers.join(', ') || '—'],
          [t('col.client'), detail.clients.join(', ') || '—'],
          [t('col.campaigns'), detail.campaigns.join(', ') || '—'],
          [t('col.from'), detail.firstDay ? formatDay(detail.firstDay, language) : '—'],
          [t('col.to'), detail.lastDay ? formatDay(detail.lastDay, language) : '—'],
          ...(detail.expectedRecoveryDate
            ? ([[t('number.recoveryLabel'), formatDay(detail.expectedRecoveryDate, language)]] as [
                string,
                Child,
              ][])
            : []),
        ]),
      ),
      canAct(context.session)
        ? actionForm(detail, context, holder)
        : section(t('number.act'), h('p', null, t('number.readOnly'))),
      section(
        t('number.daily'),
        h(
          'div',
          { class: 'charts-2' },
          chartFigure({
            id: 'attempts',
            title: t('number.attemptsVsCap'),
            days,
            format: (v) => formatInteger(v, language),
            series: [
              { label: t('col.attempts'), values: detail.daily.map((d) => d.attempts), bars: true },
              { label: t('col.cap'), values: days.map((d) => capOf.get(d) ?? detail.cap), color: '#b3261e' },
            ],
          }),
          chartFigure({
            id: 'answer-rate',
            title: t('number.answerRate'),
            days,
            format: pct,
            series: [{ label: t('overview.answerRate'), values: detail.daily.map((d) => d.answerRate) }],
          }),
          chartFigure({
            id: 'report-rate',
            title: t('number.reportRate'),
            days,
            format: pct,
            series: [
              {
                label: t('overview.reportRate'),
                values: detail.daily.map((d) => d.reportRate),
                color: '#b3261e',
              },
            ],
          }),
          chartFigure({
            id: 'short-calls',
            title: t('number.shortCalls'),
            days,
            format: (v) => formatInteger(v, language),
            series: [
              {
                label: t('col.short'),
                values: detail.daily.map((d) => d.shortAnswered),
                bars: true,
                color: '#7a4d00',
              },
            ],
          }),
        ),
      ),
      section(
        t('number.score'),
        table(
          t('number.score'),
          [
            { label: t('col.factor'), cell: (f) => tMaybe(`factor.${f.key ?? f.id ?? ''}`, f.label) },
            { label: t('col.weight'), cell: (f) => formatInteger(f.weight, language), numeric: true },
            {
              label: t('col.value'),
              cell: (f) => formatPercent(f.value, language, 1),
              numeric: true,
            },
            { label: t('col.penalty'), cell: (f) => formatDecimal(f.penalty, language, 1), numeric: true },
            { label: t('col.basis'), cell: (f) => f.basis },
          ],
          detail.factors,
        ),
      ),
      section(t('number.forecast'), forecastView(detail)),
      section(
        t('number.alerts'),
        table(
          t('number.alerts'),
          [
            {
              label: t('col.rule'),
              cell: (a) => h('a', { href: `/alertes?alert=${a.id}` }, ruleLabel(a.rule)),
            },
            { label: t('col.severity'), cell: (a) => severityBadge(a.severity) },
            { label: t('col.state'), cell: (a) => stateBadge(a.state) },
            { label: t('col.opened'), cell: (a) => formatShortDateTime(a.openedAt, language) },
            { label: t('col.message'), cell: (a) => a.message },
          ],
          detail.alerts,
          t('app.none'),
        ),
      ),
      section(
        t('number.history'),
        table(
          t('number.history'),
          [
            { label: t('col.day'), cell: (s) => formatDay(s.day, language) },
            { label: t('col.from'), cell: (s) => (s.from ? statusBadge(s.from) : '—') },
            { label: t('col.to'), cell: (s) => statusBadge(s.to) },
            { label: t('col.score'), cell: (s) => formatInteger(s.score, language), numeric: true },
            { label: t('col.author'), cell: (s) => s.author ?? '—' },
            { label: t('col.reason'), cell: (s) => s.reason ?? '—' },
          ],
          [...detail.statusChanges].reverse(),
          t('app.none'),
        ),
        h('h3', null, t('number.actions')),
        table(
          t('number.actions'),
          [
            { label: t('col.date'), cell: (a) => formatShortDateTime(a.at, language) },
            { label: t('col.action'), cell: (a) => tMaybe(`number.do.${a.action}`, a.action) },
            { label: t('col.author'), cell: (a) => a.author },
            { label: t('col.reason'), cell: (a) => a.reason },
          ],
          [...detail.actions].reverse(),
          t('app.none'),
        ),
      ),
      section(
        t('number.assignments'),
        table(
          t('number.assignments'),
          [
            { label: t('col.client'), cell: (a) => a.client ?? '—' },
            { label: t('col.provider'), cell: (a) => a.provider ?? '—' },
            { label: t('col.campaign'), cell: (a) => a.campaign ?? '—' },
            {
              label: t('col.validFrom'),
              cell: (a) => (a.valid_from ? formatDay(a.valid_from.slice(0, 10), language) : '—'),
            },
            {
              label: t('col.validTo'),
              cell: (a) => (a.valid_to ? formatDay(a.valid_to.slice(0, 10), language) : '—'),
            },
          ],
          detail.assignments,
          t('app.none'),
        ),
      ),
      section(
        t('number.violations'),
        table(
          t('number.violations'),
          [
            { label: t('col.rule'), cell: (v) => ruleLabel(v.rule) },
            { label: t('col.date'), cell: (v) => formatShortDateTime(v.startedAt, language) },
            { label: t('col.time'), cell: (v) => formatTime(v.startedAt, language, v.timeZone) },
            { label: t('col.callee'), cell: (v) => phoneText(v.callee) },
            { label: t('col.explanation'), cell: (v) => v.explanation },
          ],
          detail.violations,
          t('app.none'),
        ),
      ),
    ),
  ];
}

function forecastView(detail: NumberDetail): Child {
  const language = lang();
  const f = detail.forecastDetail;
  const crossings = f?.crossings ?? detail.forecast;
  const day = (d: string | null) => (d ? formatDay(d, language) : '—');
  return [
    f && f.slopePerDay !== null
      ? h(
          'p',
          null,
          t('number.forecastTrend', {
            rate: formatPercent(f.rate7d, language, 2),
            slope: formatPercent(f.slopePerDay, language, 3),
            error: formatPercent(f.slopeStdError, language, 3),
            days: f.days,
            attempts: formatInteger(f.attempts, language),
          }),
        )
      : h('p', null, t('number.forecastNone')),
    table(
      t('number.forecast'),
      [
        { label: t('col.threshold'), cell: (c) => formatPercent(c.threshold, language, 0), numeric: true },
        { label: t('col.state'), cell: (c) => t(`number.forecastState.${c.state}` as MessageKey) },
        { label: t('col.projection'), cell: (c) => day(c.day) },
        {
          label: t('col.band'),
          cell: (c) => (c.earliest || c.latest ? `${day(c.earliest)} – ${day(c.latest)}` : '—'),
        },
      ],
      crossings,
    ),
  ];
}

function actionForm(detail: NumberDetail, context: PageContext, holder: HTMLElement): HTMLElement {
  const reasonId = uid('f');
  const hintId = uid('h');
  const reason = h('textarea', {
    id: reasonId,
    name: 'reason',
    rows: 2,
    maxlength: 500,
    required: true,
    'aria-describedby': hintId,
  });
  const status = h('div', { 'aria-live': 'assertive' });
  const resting = detail.status === 'resting' || detail.status === 'suspended';
  const button = (action: 'suspend' | 'rest' | 'resume', enabled: boolean) =>
    h(
      'button',
      {
        type: 'submit',
        value: action,
        name: 'action',
        class: action === 'resume' ? 'primary' : 'danger',
        disabled: !enabled,
        'data-action': action,
      },
      t(`number.do.${action}`),
    );
  const form = h(
    'form',
    {
      class: 'number-actions',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const submitter = (event as SubmitEvent).submitter as HTMLButtonElement | null;
        const action = submitter?.value as 'suspend' | 'rest' | 'resume' | undefined;
        if (action === undefined) return;
        const text = reason.value.trim();
        if (text === '') {
          replace(status, notice(t('error.reasonRequired'), 'error'));
          reason.focus();
          return;
        }
        for (const b of form.querySelectorAll('button')) b.disabled = true;
        try {
          const updated = await post<NumberDetail>(`/numbers/${encodeURIComponent(detail.number)}/actions`, {
            action,
            reason: text,
          });
          replace(
            holder,
            numberView(
              updated,
              context,
              holder,
              notice(t('number.done', { action: t(`action.${action}`) }), 'ok'),
            ),
          );
          holder.querySelector<HTMLElement>('.notice')?.focus();
        } catch (error) {
          replace(status, notice(errorMessage(error), 'error'));
          for (const b of form.querySelectorAll('button')) b.disabled = false;
        }
      },
    },
    h(
      'div',
      { class: 'field' },
      h('label', { for: reasonId }, t('number.reason')),
      reason,
      h('small', { id: hintId }, t('number.reasonHint')),
    ),
    h(
      'div',
      { class: 'buttons' },
      button('suspend', !resting),
      button('rest', !resting),
      button('resume', resting),
    ),
    status,
  );
  return section(t('number.act'), form);
}
