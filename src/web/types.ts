/** The shapes of docs/api.md that the dashboard reads. */

export type Status = 'active' | 'watch' | 'at_risk' | 'compromised' | 'suspended' | 'resting' | 'recovering';
export const STATUSES: readonly Status[] = [
  'active',
  'watch',
  'at_risk',
  'compromised',
  'suspended',
  'resting',
  'recovering',
];
export type Severity = 'critical' | 'warning' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];
export type AlertState = 'open' | 'acknowledged' | 'resolved';
export const ALERT_STATES: readonly AlertState[] = ['open', 'acknowledged', 'resolved'];
export const ALERT_RULES = [
  'answer_rate.drop',
  'report_rate.warning',
  'report_rate.critical',
  'volume.daily_cap',
  'number.pooled',
  'reporting.missing',
  'compliance.breach',
] as const;

export interface Week {
  readonly week: string;
  readonly from: string;
  readonly to: string;
  readonly attempts: number;
  readonly answered: number;
  readonly answerRate: number | null;
  readonly reports: number;
  readonly reportRate: number | null;
}

export interface Crossing {
  readonly threshold: number;
  readonly state: 'crossed' | 'projected' | 'not_projected';
  readonly day: string | null;
  readonly earliest: string | null;
  readonly latest: string | null;
}

export interface Ingest {
  readonly id: number;
  readonly kind: 'calls' | 'reports' | 'registry';
  readonly status: 'done' | 'failed' | string;
  readonly createdAt: string;
  readonly finishedAt: string | null;
  readonly by: string | null;
  readonly files: readonly IngestFile[];
  readonly quarantined: number;
  readonly quarantine?: readonly QuarantineRow[];
}

export interface IngestFile {
  readonly name: string;
  readonly format: string | null;
  readonly encoding: string | null;
  readonly rows: number;
  readonly stored: number;
  readonly duplicates: number;
  readonly quarantined: number;
  readonly alreadyIngested: boolean;
  readonly error: string | null;
}

export interface QuarantineRow {
  readonly file: string;
  readonly line: number | null;
  readonly field: string | null;
  readonly raw: string | null;
  readonly reason: string;
  readonly reasonFr?: string;
  readonly reasonEn?: string;
  readonly message?: string;
}

export interface Overview {
  readonly asOf: string | null;
  readonly numbersByStatus: Partial<Record<Status, number>>;
  readonly weeks: readonly Week[];
  readonly providerWeeks: readonly { provider: string; weeks: readonly Week[] }[];
  readonly openAlerts: Partial<Record<Severity, number>>;
  readonly actToday: readonly (Crossing & {
    number: string;
    display: string;
    status: Status;
    score: number | null;
    reportRate7d: number | null;
    providers: readonly string[];
  })[];
  readonly providers: readonly {
    rank: number;
    provider: string;
    numbers: number;
    attempts7d: number;
    answerRate7d: number | null;
    reportRate7d: number | null;
    meanScore: number | null;
    atRisk: number;
    violationsThisWeek: number;
  }[];
  readonly violationsThisWeek: {
    week: string;
    total: number;
    byRule: readonly { rule: string; count: number }[];
  };
  readonly lastIngests: readonly Ingest[];
}

export interface NumberItem {
  readonly number: string;
  readonly display: string;
  readonly asOf: string;
  readonly status: Status;
  readonly dataStatus: Status;
  readonly score: number | null;
  readonly answerRate7d: number | null;
  readonly answerRate28d: number | null;
  readonly reportRate7d: number | null;
  readonly reports7d: number;
  readonly attempts7d: number;
  readonly attemptsPerDay7d: number | null;
  readonly cap: number;
  readonly avgTalkSeconds7d: number | null;
  readonly shortShare7d: number | null;
  readonly blockedShare7d: number | null;
  readonly providers: readonly string[];
  readonly clients: readonly string[];
  readonly campaigns: readonly string[];
  readonly firstDay: string | null;
  readonly lastDay: string | null;
  readonly expectedRecoveryDate: string | null;
  readonly forecast: readonly Crossing[];
  readonly conditions: readonly { rule: string; severity: Severity; message: string }[];
  readonly sparkline?: readonly { day: string; answerRate: number | null; attempts: number }[];
}

export interface Factor {
  readonly key?: string;
  readonly id?: string;
  readonly label: string;
  readonly weight: number;
  readonly value: number | null;
  readonly penalty: number;
  readonly basis: string;
}

export interface DayRow {
  readonly day: string;
  readonly attempts: number;
  readonly answered: number;
  readonly answerRate: number | null;
  readonly reports: number;
  readonly reportRate: number | null;
  readonly shortAnswered: number;
  readonly avgTalkSeconds: number | null;
}

export interface NumberDetail extends NumberItem {
  readonly factors: readonly Factor[];
  readonly forecastDetail: {
    readonly rate7d: number | null;
    readonly level: number | null;
    readonly slopePerDay: number | null;
    readonly slopeStdError: number | null;
    readonly days: number;
    readonly attempts: number;
    readonly crossings: readonly Crossing[];
  } | null;
  readonly ramp: readonly { day: string; cap: number }[] | null;
  readonly daily: readonly DayRow[];
  readonly alerts: readonly Alert[];
  readonly assignments: readonly {
    client: string | null;
    provider: string | null;
    campaign: string | null;
    valid_from: string | null;
    valid_to: string | null;
    dedicated: boolean | null;
  }[];
  readonly actions: readonly {
    number: string;
    action: string;
    at: string;
    day: string;
    author: string;
    reason: string;
  }[];
  readonly statusChanges: readonly {
    day: string;
    from: string | null;
    to: string;
    score: number | null;
    author: string | null;
    reason: string | null;
  }[];
  readonly violations: readonly Violation[];
}

export interface Alert {
  readonly id: number;
  readonly rule: string;
  readonly subject: string;
  readonly subjectDisplay?: string;
  readonly severity: Severity;
  readonly state: AlertState;
  readonly message: string;
  readonly evidence: unknown;
  readonly client: string | null;
  readonly provider: string | null;
  readonly openedAt: string;
  readonly updatedAt: string;
  readonly acknowledgedAt: string | null;
  readonly resolvedAt: string | null;
  readonly note: string | null;
  readonly events?: readonly {
    id: number;
    at: string;
    author: string;
    action: string;
    state: string;
    severity: string;
    note: string | null;
  }[];
}

export interface Violation {
  readonly rule: string;
  readonly callId: string;
  readonly caller: string;
  readonly callee: string;
  readonly startedAt: string;
  readonly localTime: string;
  readonly timeZone: string;
  readonly provider: string | null;
  readonly client: string | null;
  readonly campaign: string | null;
  readonly severity: string;
  readonly explanation: string;
  readonly week: string;
}

export interface ViolationSummary {
  readonly total: number;
  readonly calls: number;
  readonly byRule: readonly { rule: string; count: number }[];
  readonly byProvider: readonly { provider: string; count: number; calls: number; perThousand: number }[];
  readonly byWeek: readonly { week: string; count: number }[];
}
