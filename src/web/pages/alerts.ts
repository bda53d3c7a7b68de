import { get, getAll, post } from '../api.ts';
import {
  errorBox,
  errorMessage,
  evidenceList,
  notice,
  numberLink,
  pageTitle,
  ruleLabel,
  selectField,
  severityBadge,
  stateBadge,
  table,
} from '../components.ts';
import { type Child, h, replace, uid } from '../dom.ts';
import { formatShortDateTime } from '../format.ts';
import { lang, t, tMaybe } from '../i18n.ts';
import { canAct, type Page, type PageContext } from '../page.ts';
import { ALERT_RULES, ALERT_STATES, type Alert, SEVERITIES } from '../types.ts';

export const alertsPage: Page = async (context) => {
  const q = context.query;
  const filters = {
    rule: q.get('rule') ?? '',
    severity: q.get('severity') ?? '',
    state: q.get('state') ?? 'active',
    alert: q.get('alert') ?? '',
  };
  const listHolder = h('div', { class: 'alerts-list' });
  const detailHolder = h('div', { class: 'alert-detail', 'aria-live': 'polite' });

  async function loadList(): Promise<void> {
    context.setQuery({ ...filters, state: filters.state === 'active' ? undefined : filters.state || 'all' });
    try {
      const alerts = await getAll<Alert>(
        '/alerts',
        {
          rule: filters.rule,
          severity: filters.severity,
          state: filters.state === 'all' ? '' : filters.state,
          limit: 500,
        },
        2000,
      );
      replace(listHolder, alertTable(alerts));
    } catch (error) {
      replace(listHolder, errorBox(error));
    }
  }

  function alertTable(alerts: readonly Alert[]): HTMLElement {
    const language = lang();
    return table(
      t('alerts.title'),
      [
        { label: t('col.severity'), cell: (a) => severityBadge(a.severity) },
        { label: t('col.rule'), cell: (a) => ruleLabel(a.rule) },
        { label: t('col.subject'), cell: (a) => subject(a) },
        { label: t('col.message'), cell: (a) => a.message },
        { label: t('col.state'), cell: (a) => stateBadge(a.state) },
        { label: t('col.opened'), cell: (a) => formatShortDateTime(a.openedAt, language) },
        {
          label: t('alerts.detail'),
          cell: (a) =>
            h(
              'button',
              {
                type: 'button',
                'data-alert': a.id,
                'aria-expanded': String(filters.alert === String(a.id)),
                onclick: () => {
                  filters.alert = String(a.id);
                  context.setQuery({
                    ...filters,
                    state: filters.state === 'active' ? undefined : filters.state,
                  });
                  void loadDetail(a.id, true);
                },
              },
              `${t('alerts.detail')} n° ${a.id}`,
            ),
        },
      ],
      alerts,
      t('alerts.none'),
    );
  }

  async function loadDetail(id: number, focus: boolean, message?: Child): Promise<void> {
    try {
      const alert = await get<Alert>(`/alerts/${id}`);
      replace(detailHolder, detailView(alert, context, message));
      if (focus) detailHolder.querySelector<HTMLElement>('h2')?.focus();
    } catch (error) {
      replace(detailHolder, errorBox(error));
    }
  }

  function detailView(alert: Alert, ctx: PageContext, message?: Child): HTMLElement {
    const language = lang();
    const noteId = uid('f');
    const hintId = uid('h');
    const note = h('textarea', {
      id: noteId,
      name: 'note',
      rows: 2,
      maxlength: 1000,
      required: true,
      'aria-describedby': hintId,
    });
    const status = h('div', { 'aria-live': 'assertive' });
    const form =
      canAct(ctx.session) && alert.state !== 'resolved'
        ? h(
            'form',
            {
              class: 'alert-actions',
              onsubmit: async (event: Event) => {
                event.preventDefault();
                const action = ((event as SubmitEvent).submitter as HTMLButtonElement | null)?.value as
                  | 'ack'
                  | 'resolve'
                  | undefined;
                if (action === undefined) return;
                if (note.value.trim() === '') {
                  replace(status, notice(t('error.noteRequired'), 'error'));
                  note.focus();
                  return;
                }
                try {
                  await post<Alert>(`/alerts/${alert.id}/${action}`, { note: note.value.trim() });
                  await loadList();
                  await loadDetail(
                    alert.id,
                    false,
                    notice(t(action === 'ack' ? 'alerts.done.ack' : 'alerts.done.resolve'), 'ok'),
                  );
                  detailHolder.querySelector<HTMLElement>('.notice')?.focus();
                } catch (error) {
                  replace(status, notice(errorMessage(error), 'error'));
                }
              },
            },
            h(
              'div',
              { class: 'field' },
              h('label', { for: noteId }, t('alerts.note')),
              note,
              h('small', { id: hintId }, t('alerts.noteHint')),
            ),
            h(
              'div',
              { class: 'buttons' },
              alert.state === 'open'
                ? h('button', { type: 'submit', value: 'ack', 'data-action': 'ack' }, t('alerts.ack'))
                : null,
              h(
                'button',
                { type: 'submit', value: 'resolve', class: 'primary', 'data-action': 'resolve' },
                t('alerts.resolve'),
              ),
            ),
            status,
          )
        : null;
    const titleId = uid('s');
    return h(
      'section',
      { class: 'card', 'aria-labelledby': titleId, 'data-alert-detail': alert.id },
      h('h2', { id: titleId, tabindex: -1 }, `${ruleLabel(alert.rule)} — n° ${alert.id}`),
      message ?? null,
      h('p', null, severityBadge(alert.severity), ' ', stateBadge(alert.state), ' ', subject(alert)),
      h('p', null, alert.message),
      alert.note ? h('p', null, h('strong', null, `${t('alerts.note')} : `), alert.note) : null,
      h('h3', null, t('alerts.evidence')),
      evidenceList(alert.evidence),
      h('h3', null, t('alerts.events')),
      table(
        t('alerts.events'),
        [
          { label: t('col.date'), cell: (e) => formatShortDateTime(e.at, language) },
          { label: t('col.action'), cell: (e) => tMaybe(`event.${e.action}`, e.action) },
          { label: t('col.state'), cell: (e) => stateBadge(e.state) },
          { label: t('col.author'), cell: (e) => e.author },
          { label: t('alerts.note'), cell: (e) => e.note ?? '—' },
        ],
        alert.events ?? [],
      ),
      form,
    );
  }

  const filterBar = h(
    'form',
    { class: 'filters', onsubmit: (event: Event) => event.preventDefault() },
    selectField(
      t('alerts.filterRule'),
      'rule',
      ALERT_RULES.map((r) => ({ value: r, label: ruleLabel(r) })),
      filters.rule,
      (v) => {
        filters.rule = v;
        void loadList();
      },
      'app.allFem',
    ),
    selectField(
      t('alerts.filterSeverity'),
      'severity',
      SEVERITIES.map((s) => ({ value: s, label: tMaybe(`severity.${s}`, s) })),
      filters.severity,
      (v) => {
        filters.severity = v;
        void loadList();
      },
      'app.allFem',
    ),
    selectField(
      t('alerts.filterState'),
      'state',
      [
        { value: 'active', label: t('alerts.active') },
        ...ALERT_STATES.map((s) => ({ value: s, label: tMaybe(`state.${s}`, s) })),
      ],
      filters.state,
      (v) => {
        filters.state = v === '' ? 'all' : v;
        void loadList();
      },
      'app.allFem',
    ),
  );

  await loadList();
  if (filters.alert !== '' && /^\d+$/.test(filters.alert)) await loadDetail(Number(filters.alert), false);
  return h(
    'div',
    { class: 'page alerts-page' },
    pageTitle(t('alerts.title')),
    filterBar,
    h('div', { class: 'master-detail' }, listHolder, detailHolder),
  );
};

function subject(alert: Alert): Child {
  return alert.subject.startsWith('+') ? numberLink(alert.subject, alert.subjectDisplay) : alert.subject;
}
