/**
 * Reputation of a caller ID: the daily figures the rollup stores, the thresholds of product.md and the
 * shapes the pure core returns. Rates are fractions; days are `YYYY-MM-DD` calendar days in Europe/Paris.
 */

/** What is counted of a caller ID's calls over a day or a window of days. */
export interface CallerIdCounts {
  readonly attempts: number;
  readonly answered: number;
  readonly shortAnswered: number;
  readonly talkSeconds: number;
  /** Outcomes `blocked` or `rejected`. */
  readonly blocked: number;
  /** `failed` with about 0 s: how Asterisk and VICIdial show a carrier's spam block (records.md §3). */
  readonly failedZero: number;
  /** Callees of the day the number called 3+ times in the 7 days ending that day. */
  readonly repeatCallees: number;
  readonly callees: number;
  /** Inbound calls from people the number called in the 7 days before. */
  readonly callbacks: number;
  readonly reports: number;
}

/** One caller ID on one Paris day, as `reputation_days` stores it. */
export interface DayFigures extends CallerIdCounts {
  readonly day: string;
  readonly providers: readonly string[];
  readonly clients: readonly string[];
  readonly campaigns: readonly string[];
}

/** The thresholds of product.md ("What it computes" 3); every one can be overridden per client or provider. */
export interface Thresholds {
  /** `answer_rate.drop`: the 7-day answer rate more than this many points (fraction) below the previous 7 days. */
  readonly answerRateDrop: number;
  /** `report_rate.warning` / `report_rate.critical`: 7-day reports ÷ attempts at or above. */
  readonly reportRateWarning: number;
  readonly reportRateCritical: number;
  /** `volume.daily_cap`: attempts a day above this. */
  readonly dailyCap: number;
  /** Rates over fewer attempts than this (in each 7-day window) say nothing and fire nothing. */
  readonly minAttempts: number;
  /** `reporting.missing`: a provider silent for this many days after sending records. */
  readonly reportingGapDays: number;
  /** Warn early (`report_rate.warning`, severity info) when the rate is at half the warning rate and the forecast crosses it within this many days; 0 switches it off. */
  readonly forecastHorizonDays: number;
  /** Rest a number automatically when it becomes `compromised`. */
  readonly autoRestAtCompromised: boolean;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  answerRateDrop: 0.05,
  reportRateWarning: 0.02,
  reportRateCritical: 0.05,
  dailyCap: 150,
  minAttempts: 100,
  reportingGapDays: 7,
  forecastHorizonDays: 3,
  autoRestAtCompromised: false,
};

/** Thresholds with overrides per client (donneur d'ordre) and per provider contract. */
export interface ReputationConfig {
  readonly defaults: Thresholds;
  readonly clients: Readonly<Record<string, Partial<Thresholds>>>;
  readonly providers: Readonly<Record<string, Partial<Thresholds>>>;
}

export const DEFAULT_CONFIG: ReputationConfig = { defaults: DEFAULT_THRESHOLDS, clients: {}, providers: {} };

/** Statuses from the data, then the operator's (or the auto-rest rule's). */
export const DATA_STATUSES = ['active', 'watch', 'at_risk', 'compromised'] as const;
export type DataStatus = (typeof DATA_STATUSES)[number];
export const STATUSES = [...DATA_STATUSES, 'suspended', 'resting', 'recovering'] as const;
export type Status = (typeof STATUSES)[number];

export type OperatorAction = 'suspend' | 'rest' | 'resume';

/** An operator action as `number_actions` stores it. */
export interface ActionRecord {
  readonly number: string;
  readonly action: OperatorAction;
  /** ISO instant. */
  readonly at: string;
  /** Paris day the action takes effect. */
  readonly day: string;
  readonly author: string;
  readonly reason: string;
}

/** Sums over a window of calendar days. */
export interface WindowFigures extends CallerIdCounts {
  readonly from: string;
  readonly to: string;
  /** Days in the window with at least one attempt. */
  readonly activeDays: number;
}

export type Damage = 'none' | 'light' | 'severe';
