import { get, getAll, type List, upload } from '../api.ts';
import { errorMessage, notice, pageTitle, section, table } from '../components.ts';
import { h, replace, uid } from '../dom.ts';
import { formatInteger, formatPercent } from '../format.ts';
import { lang, t } from '../i18n.ts';
import { canAct, type Page } from '../page.ts';
import type { Ingest, QuarantineRow } from '../types.ts';
import { ingestTable } from './overview.ts';

const FORMATS = ['asterisk', 'freeswitch', 'vicidial', 'twilio', 'canonical'];
const KINDS = ['calls', 'reports', 'registry'] as const;

export const importsPage: Page = async (context) => {
  const language = lang();
  const history = await get<List<Ingest>>('/ingests', { limit: 20 });
  const historyHolder = h('div', null, ingestTable(history.items));
  const resultHolder = h('div', { class: 'import-result', 'aria-live': 'polite' });

  const field = (label: string, control: HTMLElement, hint?: string) => {
    const hintId = hint ? uid('h') : undefined;
    if (hintId) control.setAttribute('aria-describedby', hintId);
    return h(
      'div',
      { class: 'field' },
      h('label', { for: control.id }, label),
      control,
      hint ? h('small', { id: hintId }, hint) : null,
    );
  };
  const files = h('input', {
    id: uid('f'),
    type: 'file',
    name: 'files',
    multiple: true,
    accept: '.csv,.tsv,.txt,.json,.ndjson,text/csv,text/plain,application/json',
  });
  const provider = h('input', { id: uid('f'), type: 'text', name: 'provider', autocomplete: 'off' });
  const format = h(
    'select',
    { id: uid('f'), name: 'format' },
    h('option', { value: '' }, '—'),
    FORMATS.map((f) => h('option', { value: f }, f)),
  );
  const timezone = h('input', {
    id: uid('f'),
    type: 'text',
    name: 'timezone',
    placeholder: 'Africa/Casablanca',
    autocomplete: 'off',
  });
  const callOptions = h(
    'div',
    { class: 'call-options' },
    field(t('imports.provider'), provider),
    field(t('imports.format'), format),
    field(t('imports.timezone'), timezone),
  );
  const kindName = uid('kind');
  const kindRadios = KINDS.map((kind, i) => {
    const id = uid('r');
    return h(
      'div',
      { class: 'radio' },
      h('input', {
        id,
        type: 'radio',
        name: kindName,
        value: kind,
        checked: i === 0,
        onchange: () => {
          callOptions.hidden = kind !== 'calls';
        },
      }),
      h('label', { for: id }, t(`imports.kind.${kind}`)),
    );
  });
  const progress = h('progress', { max: 100, value: 0, 'aria-label': t('imports.progress') });
  const progressText = h('span', { class: 'progress-text' });
  const progressBox = h('div', { class: 'progress', hidden: true }, progress, ' ', progressText);
  const submit = h('button', { type: 'submit', class: 'primary' }, t('imports.submit'));
  const status = h('div', { 'aria-live': 'assertive' });

  const form = h(
    'form',
    {
      class: 'upload',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        replace(status);
        const chosen = [...(files.files ?? [])];
        if (chosen.length === 0) {
          replace(status, notice(t('imports.noFile'), 'error'));
          files.focus();
          return;
        }
        const kind = (form.querySelector<HTMLInputElement>(`input[name="${kindName}"]:checked`)?.value ??
          'calls') as (typeof KINDS)[number];
        const body = new FormData();
        // The server reads the fields before the files (docs/api.md): append them first.
        body.append('kind', kind);
        if (kind === 'calls') {
          if (provider.value.trim()) body.append('provider', provider.value.trim());
          if (format.value) body.append('format', format.value);
          if (timezone.value.trim()) body.append('timezone', timezone.value.trim());
        }
        for (const file of chosen) body.append('files', file, file.name);
        submit.disabled = true;
        progressBox.hidden = false;
        progress.value = 0;
        progressText.textContent = t('imports.uploading', { percent: formatPercent(0, language, 0) });
        try {
          const ingest = await upload<Ingest>('/ingests', body, (sent, total) => {
            progress.value = Math.round((sent / total) * 100);
            progressText.textContent =
              sent >= total
                ? t('imports.processing')
                : t('imports.uploading', { percent: formatPercent(sent / total, language, 0) });
          });
          progress.value = 100;
          progressText.textContent = t(`imports.status.${ingest.status === 'failed' ? 'failed' : 'done'}`);
          const detail = await get<Ingest>(`/ingests/${ingest.id}`);
          replace(resultHolder, resultView(detail));
          resultHolder.querySelector<HTMLElement>('h2')?.focus();
          const refreshed = await getAll<Ingest>('/ingests', { limit: 20 }, 20);
          replace(historyHolder, ingestTable(refreshed));
          form.reset();
          callOptions.hidden = false;
        } catch (error) {
          replace(status, notice(errorMessage(error), 'error'));
          progressBox.hidden = true;
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('fieldset', null, h('legend', null, t('imports.kind')), kindRadios),
    field(t('imports.files'), files, t('imports.filesHint')),
    callOptions,
    progressBox,
    status,
    submit,
  );

  return h(
    'div',
    { class: 'page imports-page' },
    pageTitle(t('imports.title')),
    h(
      'div',
      { class: 'grid' },
      canAct(context.session) ? section(t('imports.upload'), form) : null,
      resultHolder,
      section(t('imports.history'), historyHolder),
    ),
  );
};

function resultView(ingest: Ingest): HTMLElement {
  const language = lang();
  const id = uid('s');
  const quarantine: readonly QuarantineRow[] = ingest.quarantine ?? [];
  return h(
    'section',
    { class: 'card', 'aria-labelledby': id, 'data-ingest': ingest.id },
    h(
      'h2',
      { id, tabindex: -1 },
      `${t('imports.summary', { id: ingest.id })} — ${t(`imports.status.${ingest.status === 'failed' ? 'failed' : 'done'}`)}`,
    ),
    table(
      t('imports.summary', { id: ingest.id }),
      [
        { label: t('col.file'), cell: (f) => f.name },
        { label: t('col.format'), cell: (f) => [f.format ?? '—', f.encoding ? ` (${f.encoding})` : ''] },
        { label: t('col.rows'), cell: (f) => formatInteger(f.rows, language), numeric: true },
        { label: t('col.stored'), cell: (f) => formatInteger(f.stored, language), numeric: true },
        { label: t('col.duplicates'), cell: (f) => formatInteger(f.duplicates, language), numeric: true },
        { label: t('col.quarantined'), cell: (f) => formatInteger(f.quarantined, language), numeric: true },
        {
          label: t('col.status'),
          cell: (f) => f.error ?? (f.alreadyIngested ? t('imports.already') : t('imports.status.done')),
        },
      ],
      ingest.files,
    ),
    h('h3', null, t('imports.quarantine')),
    table(
      t('imports.quarantine'),
      [
        { label: t('col.file'), cell: (r) => r.file.split(/[\\/]/).pop() ?? r.file },
        { label: t('col.line'), cell: (r) => formatInteger(r.line, language), numeric: true },
        { label: t('col.field'), cell: (r) => r.field ?? '—' },
        {
          label: t('col.reason'),
          cell: (r) => (language === 'en' ? r.reasonEn : r.reasonFr) ?? r.message ?? r.reason,
        },
        { label: t('col.raw'), cell: (r) => h('code', null, r.raw ?? '') },
      ],
      quarantine,
      t('imports.noQuarantine'),
    ),
  );
}
