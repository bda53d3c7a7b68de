import type { Status } from '../reputation/model.ts';
import type { BreachType } from './model.ts';
import type { PoolingKind } from './pooling.ts';

export type Lang = 'fr' | 'en';

/** Every word a scorecard or a report shows, in French and English. */
export const LABELS = {
  rank: { fr: 'Rang', en: 'Rank' },
  provider: { fr: 'Prestataire', en: 'Provider' },
  site: { fr: 'Site', en: 'Site' },
  client: { fr: 'Client', en: 'Client' },
  attempts: { fr: 'Tentatives', en: 'Attempts' },
  answerRate: { fr: 'Décroché', en: 'Answer rate' },
  trend: { fr: 'Évol.', en: 'Trend' },
  reportRate: { fr: 'Signalement', en: 'Report rate' },
  reports: { fr: 'Signalements', en: 'Reports' },
  numbers: { fr: 'Numéros', en: 'Numbers' },
  burnt: { fr: 'Brûlés', en: 'Burnt' },
  violationsPer1000: { fr: 'Infr./1000', en: 'Viol./1,000' },
  breaches: { fr: 'Manquements', en: 'Breaches' },
  inbound: { fr: 'Niveau service entrant', en: 'Inbound service level' },
  abandonment: { fr: 'Abandon', en: 'Abandonment' },
  mystery: { fr: 'Appels mystère', en: 'Mystery calls' },
  penalties: { fr: 'Pénalités', en: 'Penalties' },
  score: { fr: 'Note', en: 'Score' },
  status: { fr: 'Statut', en: 'Status' },
  actions: { fr: 'Actions', en: 'Actions' },
  number: { fr: 'Numéro', en: 'Number' },
  evidence: { fr: 'Preuve', en: 'Evidence' },
  day: { fr: 'Jour', en: 'Day' },
  type: { fr: 'Type', en: 'Type' },
  amount: { fr: 'Montant', en: 'Amount' },
  month: { fr: 'Mois', en: 'Month' },
  count: { fr: 'Nombre', en: 'Count' },
  rule: { fr: 'Règle', en: 'Rule' },
  pooling: { fr: 'Mutualisation de numéros', en: 'Number pooling' },
  sites: { fr: 'Par site', en: 'Per site' },
  clients: { fr: 'Par client', en: 'Per client' },
  providers: { fr: 'Par prestataire', en: 'Per provider' },
  transfers: { fr: 'Transferts hors UE sans base RGPD', en: 'Transfers outside the EU without a GDPR basis' },
  none: { fr: 'aucun', en: 'none' },
  week: { fr: 'Semaine', en: 'Week' },
  page: { fr: 'Page', en: 'Page' },
  revised: { fr: 'RAPPORT RÉVISÉ', en: 'REVISED REPORT' },
} as const;

export const BREACH_LABELS: Readonly<Record<BreachType, Record<Lang, string>>> = {
  'clause.daily_cap': { fr: 'plafond journalier dépassé', en: 'daily cap exceeded' },
  'clause.dedicated': { fr: 'numéro dédié partagé', en: 'dedicated number shared' },
  'clause.reporting': { fr: 'rapport hebdomadaire manquant', en: 'weekly report missing' },
  violation: { fr: 'infraction', en: 'violation' },
  burnt_number: { fr: 'numéro brûlé', en: 'burnt number' },
  service_level: { fr: 'niveau de service manqué', en: 'service level missed' },
};

export const POOLING_LABELS: Readonly<Record<PoolingKind, Record<Lang, string>>> = {
  clients: { fr: 'même jour, deux clients', en: 'same day, two clients' },
  campaigns: {
    fr: 'numéro dédié, deux campagnes le même jour',
    en: 'dedicated number, two campaigns on one day',
  },
  providers: { fr: 'même jour, deux prestataires', en: 'same day, two providers' },
  assigned_providers: { fr: 'affecté à deux prestataires', en: 'assigned to two providers' },
};

export const STATUS_LABELS: Readonly<Record<Status, Record<Lang, string>>> = {
  active: { fr: 'actif', en: 'active' },
  watch: { fr: 'à surveiller', en: 'watch' },
  at_risk: { fr: 'à risque', en: 'at risk' },
  compromised: { fr: 'compromis', en: 'compromised' },
  suspended: { fr: 'suspendu', en: 'suspended' },
  resting: { fr: 'au repos', en: 'resting' },
  recovering: { fr: 'en reprise', en: 'recovering' },
};

export function label(key: keyof typeof LABELS, lang: Lang): string {
  return LABELS[key][lang];
}

/** `12,5 %` / `12.5%` of a fraction. */
export function pct(fraction: number | null | undefined, lang: Lang, digits = 1): string {
  if (fraction === null || fraction === undefined || Number.isNaN(fraction)) return '–';
  const text = (fraction * 100).toFixed(digits);
  return lang === 'fr' ? `${text.replace('.', ',')} %` : `${text}%`;
}

/** A change of a rate in points: `+1,2 pt` / `-0.4 pt`. */
export function points(delta: number | null, lang: Lang): string {
  if (delta === null) return '–';
  const text = `${delta >= 0 ? '+' : ''}${(delta * 100).toFixed(1)}`;
  return `${lang === 'fr' ? text.replace('.', ',') : text} pt`;
}

/** `lundi 23 novembre 2026` / `Monday 23 November 2026`. */
export function longDate(day: string, lang: Lang): string {
  return new Date(`${day}T12:00:00Z`).toLocaleDateString(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** `01 62 00 00 00` for a French E.164 number; other numbers as they are. */
export function frenchNumber(e164: string): string {
  const m = /^\+33(\d)(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(e164);
  return m === null ? e164 : `0${m[1]} ${m[2]} ${m[3]} ${m[4]} ${m[5]}`;
}

/** `1 234` / `1,234`. */
export function integer(n: number, lang: Lang): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, lang === 'fr' ? ' ' : ',');
}
