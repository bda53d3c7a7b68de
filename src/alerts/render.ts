/**
 * What the channels send, French first and English second: an e-mail (subject and text), a webhook's
 * JSON body and a Slack/Teams `{"text": …}` payload. Pure: the send time comes in as a parameter.
 */
import type { Message } from '../shared/messages.ts';
import type { Alert, AlertRule, AlertSeverity } from './model.ts';

export type NotificationReason = 'opened' | 'reopened' | 'escalated';

/** The alert fields a message needs; the inbox's alerts carry client and provider too. */
export interface RenderableAlert extends Alert {
  readonly client?: string | null;
  readonly provider?: string | null;
}

export const RULE_LABELS: Readonly<Record<AlertRule, Message>> = {
  'answer_rate.drop': {
    fr: 'chute du taux de décroché (7 jours contre les 7 jours précédents)',
    en: 'answer rate drop (7 days against the previous 7 days)',
  },
  'report_rate.warning': { fr: 'taux de signalement élevé', en: 'high spam-report rate' },
  'report_rate.critical': { fr: 'taux de signalement critique', en: 'critical spam-report rate' },
  'volume.daily_cap': {
    fr: 'plafond quotidien de tentatives dépassé',
    en: 'daily attempt cap exceeded',
  },
  'number.pooled': {
    fr: 'numéro partagé entre plusieurs clients ou campagnes',
    en: 'number shared by several clients or campaigns',
  },
  'reporting.missing': {
    fr: 'fournisseur sans relevés d’appels attendus',
    en: 'provider missing expected call records',
  },
  'compliance.breach': { fr: 'manquement à la réglementation', en: 'compliance breach' },
  'gate.unavailable': {
    fr: 'état partagé du filtre d’appels injoignable',
    en: 'pre-dial gate’s shared state unreachable',
  },
};

export const SEVERITY_LABELS: Readonly<Record<AlertSeverity, Message>> = {
  info: { fr: 'information', en: 'info' },
  warning: { fr: 'avertissement', en: 'warning' },
  critical: { fr: 'critique', en: 'critical' },
};

export const REASON_LABELS: Readonly<Record<NotificationReason, Message>> = {
  opened: { fr: 'nouvelle alerte', en: 'new alert' },
  reopened: { fr: 'alerte rouverte', en: 'alert reopened' },
  escalated: { fr: 'gravité relevée', en: 'severity raised' },
};

/** `+33162000000` → `01 62 00 00 00`; other subjects as they are. */
export function displaySubject(subject: string): string {
  if (/^\+33\d{9}$/.test(subject)) return `0${subject.slice(3)}`.replace(/(\d{2})(?=\d)/g, '$1 ');
  return subject;
}

function frenchInstant(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const day = new Intl.DateTimeFormat('fr-FR', {
    timeZone: 'Europe/Paris',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(date);
  const time = new Intl.DateTimeFormat('fr-FR', {
    timeZone: 'Europe/Paris',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(date);
  return `${day} à ${time} (heure de Paris)`;
}

function englishInstant(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function evidenceValue(value: unknown, locale: 'fr' | 'en'): string {
  if (typeof value === 'number')
    return locale === 'fr'
      ? value.toLocaleString('fr-FR', { maximumFractionDigits: 6 }).replace(/\u202f|\u00a0/g, ' ')
      : String(value);
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '–';
  return JSON.stringify(value);
}

/** One `key : value` line per evidence field, in the order the detector gave them. */
export function evidenceLines(evidence: Readonly<Record<string, unknown>>, locale: 'fr' | 'en'): string[] {
  const sep = locale === 'fr' ? ' : ' : ': ';
  return Object.entries(evidence).map(([key, value]) => `  - ${key}${sep}${evidenceValue(value, locale)}`);
}

export interface RenderedAlert {
  readonly subject: string;
  readonly text: string;
}

/** The e-mail: a one-line subject and a text body, French then English. */
export function renderAlertEmail(alert: RenderableAlert, reason: NotificationReason): RenderedAlert {
  const rule = RULE_LABELS[alert.rule];
  const severity = SEVERITY_LABELS[alert.severity];
  const what = displaySubject(alert.subject);
  const subject = `[Vigie] ${severity.fr.toUpperCase()} · ${rule.fr} · ${what} (${REASON_LABELS[reason].fr}, alerte n° ${alert.id})`;
  const routing = (labelClient: string, labelProvider: string) =>
    [
      alert.client ? `${labelClient}${alert.client}` : undefined,
      alert.provider ? `${labelProvider}${alert.provider}` : undefined,
    ].filter((l): l is string => l !== undefined);
  const fr = [
    `Alerte Vigie n° ${alert.id} : ${REASON_LABELS[reason].fr}`,
    '',
    `Règle : ${alert.rule} (${rule.fr})`,
    `Objet : ${what}`,
    `Gravité : ${severity.fr}`,
    `État : ${stateLabel(alert.state).fr}`,
    ...routing('Client : ', 'Fournisseur : '),
    `Ouverte le ${frenchInstant(alert.openedAt)}`,
    '',
    alert.message,
    '',
    'Éléments constatés :',
    ...evidenceLines(alert.evidence, 'fr'),
    '',
    `Pour en prendre acte : vigie alert ack ${alert.id} --note "…"`,
  ];
  const en = [
    `Vigie alert #${alert.id}: ${REASON_LABELS[reason].en}`,
    '',
    `Rule: ${alert.rule} (${rule.en})`,
    `Subject: ${what}`,
    `Severity: ${severity.en}`,
    `State: ${stateLabel(alert.state).en}`,
    ...routing('Client: ', 'Provider: '),
    `Opened: ${englishInstant(alert.openedAt)}`,
    '',
    'Evidence:',
    ...evidenceLines(alert.evidence, 'en'),
    '',
    `To acknowledge: vigie alert ack ${alert.id} --note "…"`,
  ];
  return { subject, text: [...fr, '', '— English below —', '', ...en, ''].join('\n') };
}

function stateLabel(state: Alert['state']): Message {
  if (state === 'open') return { fr: 'ouverte', en: 'open' };
  if (state === 'acknowledged') return { fr: 'prise en compte', en: 'acknowledged' };
  return { fr: 'résolue', en: 'resolved' };
}

/** The Slack / Microsoft Teams incoming-webhook payload: one `text` field, French then English. */
export function renderSlackPayload(alert: RenderableAlert, reason: NotificationReason): { text: string } {
  const rule = RULE_LABELS[alert.rule];
  const severity = SEVERITY_LABELS[alert.severity];
  const what = displaySubject(alert.subject);
  const facts = Object.entries(alert.evidence)
    .slice(0, 8)
    .map(([k, v]) => `${k} = ${evidenceValue(v, 'fr')}`)
    .join(' · ');
  return {
    text: [
      `*Vigie · ${severity.fr.toUpperCase()}* · ${REASON_LABELS[reason].fr} n° ${alert.id} · ${rule.fr} · ${what}`,
      alert.message,
      facts === '' ? undefined : `Éléments : ${facts}`,
      `_${severity.en} · ${REASON_LABELS[reason].en} #${alert.id} · ${rule.en} · ${what}_`,
    ]
      .filter((l): l is string => l !== undefined)
      .join('\n'),
  };
}

/** The generic webhook body: the alert as JSON, with both languages' texts. */
export function renderWebhookPayload(
  alert: RenderableAlert,
  reason: NotificationReason,
  sentAt: string,
): Record<string, unknown> {
  const email = renderAlertEmail(alert, reason);
  return {
    event: `alert.${reason}`,
    sentAt,
    alert: {
      id: alert.id,
      rule: alert.rule,
      subject: alert.subject,
      severity: alert.severity,
      state: alert.state,
      message: alert.message,
      evidence: alert.evidence,
      client: alert.client ?? null,
      provider: alert.provider ?? null,
      openedAt: alert.openedAt,
      updatedAt: alert.updatedAt,
      acknowledgedAt: alert.acknowledgedAt,
      resolvedAt: alert.resolvedAt,
    },
    title: {
      fr: email.subject,
      en: `[Vigie] ${SEVERITY_LABELS[alert.severity].en} · ${RULE_LABELS[alert.rule].en}`,
    },
  };
}

export interface DigestItem {
  readonly alert: RenderableAlert;
  readonly reason: NotificationReason;
}

const plural = (n: number, one: string, many: string) => `${n} ${n > 1 ? many : one}`;

/** One e-mail for many alerts, most severe first: a line and the figures per alert, French then English. */
export function renderDigestEmail(items: readonly DigestItem[]): RenderedAlert {
  const sorted = [...items].sort(
    (a, b) =>
      ALERT_SEVERITY_ORDER.indexOf(a.alert.severity) - ALERT_SEVERITY_ORDER.indexOf(b.alert.severity) ||
      a.alert.id - b.alert.id,
  );
  const bySeverity = ALERT_SEVERITY_ORDER.map(
    (s) => [s, items.filter((i) => i.alert.severity === s).length] as const,
  );
  const summaryFr = bySeverity
    .filter(([, n]) => n > 0)
    .map(([s, n]) =>
      plural(n, SEVERITY_LABELS[s].fr, s === 'info' ? 'informations' : `${SEVERITY_LABELS[s].fr}s`),
    )
    .join(', ');
  const subject = `[Vigie] ${plural(items.length, 'alerte', 'alertes')} : ${summaryFr}`;
  const facts = (alert: RenderableAlert, locale: 'fr' | 'en') =>
    Object.entries(alert.evidence)
      .map(([k, v]) => `${k}${locale === 'fr' ? ' : ' : ': '}${evidenceValue(v, locale)}`)
      .join(' · ');
  const fr = [
    `Vigie : ${plural(items.length, 'alerte', 'alertes')} à traiter (${summaryFr})`,
    '',
    ...sorted.flatMap(({ alert, reason }) => [
      `n° ${alert.id} · ${SEVERITY_LABELS[alert.severity].fr.toUpperCase()} · ${REASON_LABELS[reason].fr} · ${RULE_LABELS[alert.rule].fr} · ${displaySubject(alert.subject)}${alert.provider ? ` · ${alert.provider}` : ''}`,
      `  ${alert.message}`,
      ...(Object.keys(alert.evidence).length > 0 ? [`  ${facts(alert, 'fr')}`] : []),
      '',
    ]),
    'Pour en prendre acte : vigie alert ack <n°> --note "…"',
  ];
  const en = [
    `Vigie: ${plural(items.length, 'alert', 'alerts')} to handle`,
    '',
    ...sorted.flatMap(({ alert, reason }) => [
      `#${alert.id} · ${SEVERITY_LABELS[alert.severity].en} · ${REASON_LABELS[reason].en} · ${RULE_LABELS[alert.rule].en} · ${displaySubject(alert.subject)}`,
      ...(Object.keys(alert.evidence).length > 0 ? [`  ${facts(alert, 'en')}`] : []),
    ]),
    '',
    'To acknowledge: vigie alert ack <id> --note "…"',
  ];
  return { subject, text: [...fr, '', '— English below —', '', ...en, ''].join('\n') };
}

const ALERT_SEVERITY_ORDER: readonly AlertSeverity[] = ['critical', 'warning', 'info'];
