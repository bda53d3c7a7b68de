/** Small pieces the pages share: badges, tables, messages, filters, links to a number. */
import { ApiError } from './api.ts';
import { type Child, h, uid } from './dom.ts';
import { formatPhone } from './format.ts';
import { type MessageKey, t, tMaybe } from './i18n.ts';

export function statusBadge(status: string): HTMLElement {
  return h('span', { class: `badge status-${status}` }, tMaybe(`status.${status}`, status));
}

export function severityBadge(severity: string): HTMLElement {
  return h('span', { class: `badge severity-${severity}` }, tMaybe(`severity.${severity}`, severity));
}

export function stateBadge(state: string): HTMLElement {
  return h('span', { class: `badge state-${state}` }, tMaybe(`state.${state}`, state));
}

/** The path of a number's page: `/numeros/+33162000001`. */
export function numberPath(e164: string): string {
  return `/numeros/${e164}`;
}

export function numberLink(e164: string, display?: string): HTMLElement {
  return h('a', { href: numberPath(e164), class: 'phone' }, display ?? formatPhone(e164));
}

/** A number as text, kept on one line. */
export function phoneText(e164: string): HTMLElement {
  return h('span', { class: 'phone' }, formatPhone(e164));
}

export function ruleLabel(rule: string): string {
  return tMaybe(`rule.${rule}`, tMaybe(`law.${rule}`, rule));
}

export interface Column<T> {
  readonly label: string;
  readonly cell: (row: T) => Child;
  readonly numeric?: boolean;
}

/** A plain table (for short lists), with a caption for screen readers and a scroll box on phones. */
export function table<T>(
  caption: string,
  columns: readonly Column<T>[],
  rows: readonly T[],
  empty?: string,
): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty ?? t('app.noData'));
  return h(
    'div',
    { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': caption },
    h(
      'table',
      { class: 'data' },
      h('caption', { class: 'visually-hidden' }, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          columns.map((c) => h('th', { scope: 'col', class: c.numeric ? 'num' : null }, c.label)),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((row) =>
          h(
            'tr',
            null,
            columns.map((c) => h('td', { class: c.numeric ? 'num' : null }, c.cell(row))),
          ),
        ),
      ),
    ),
  );
}

export function section(title: string, ...children: Child[]): HTMLElement {
  const id = uid('s');
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), children);
}

export function pageTitle(text: string, ...extra: Child[]): HTMLElement {
  return h('div', { class: 'page-head' }, h('h1', { tabindex: -1, id: 'page-title' }, text), extra);
}

/** The message of an error in the user's language: ours by code when we have it, else the server's. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'NETWORK') return t('error.network');
    const key = `error.${error.code}`;
    const ours = tMaybe(key, '');
    // Validation and usage messages carry the specifics: the server's text (in our language) says more.
    if (error.code === 'VALIDATION' || error.code === 'USAGE' || error.code === 'CONFLICT' || ours === '') {
      return error.message;
    }
    return ours;
  }
  return error instanceof Error ? error.message : String(error);
}

export function errorBox(error: unknown): HTMLElement {
  return h('div', { class: 'notice error', role: 'alert' }, errorMessage(error));
}

export function notice(text: string, kind: 'ok' | 'error' | 'info' = 'info'): HTMLElement {
  return h(
    'div',
    { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status', tabindex: -1 },
    text,
  );
}

export interface SelectOption {
  readonly value: string;
  readonly label: string;
}

/** A labelled `<select>`; its first option (value '') means "all". */
export function selectField(
  label: string,
  name: string,
  options: readonly SelectOption[],
  value: string,
  onChange: (value: string) => void,
  allLabel: MessageKey = 'app.all',
): HTMLElement {
  const id = uid('f');
  const select = h(
    'select',
    {
      id,
      name,
      onchange: (event: Event) => onChange((event.target as HTMLSelectElement).value),
    },
    h('option', { value: '' }, t(allLabel)),
    options.map((o) => h('option', { value: o.value, selected: o.value === value }, o.label)),
  );
  return h('div', { class: 'field' }, h('label', { for: id }, label), select);
}

/** The distinct values of some rows' lists (providers, campaigns…), sorted the French way. */
export function distinct(values: Iterable<string>): string[] {
  return [...new Set(values)].sort((a, b) => a.localeCompare(b, 'fr'));
}

/** A short JSON rendering of an alert's evidence as a definition list (text only). */
export function evidenceList(evidence: unknown): HTMLElement {
  if (evidence === null || typeof evidence !== 'object') return h('p', null, String(evidence ?? '—'));
  const entries = Object.entries(evidence as Record<string, unknown>);
  return h(
    'dl',
    { class: 'evidence' },
    entries.map(([key, value]) => [
      h('dt', null, key),
      h('dd', null, typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)),
    ]),
  );
}

/** A section that spans the whole grid row (wide tables). */
export function wideSection(title: string, ...children: Child[]): HTMLElement {
  const element = section(title, ...children);
  element.classList.add('wide');
  return element;
}
