/** JSON schemas of the answers, for the OpenAPI document (the shapes docs/api.md describes). */

export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'stable SCREAMING_SNAKE code' },
        message: { type: 'string', description: 'in the language of Accept-Language (fr by default, en)' },
        issues: {
          type: 'array',
          items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
  },
} as const;

export const pageOf = (item: object) => ({
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: { items: { type: 'array', items: item }, nextCursor: { type: ['string', 'null'] } },
});

const rate = { type: ['number', 'null'], description: 'fraction (0.125 is 12,5 %)' };
const day = { type: 'string', format: 'date' };
const strings = { type: 'array', items: { type: 'string' } };

export const numberSchema = {
  type: 'object',
  description:
    'a caller ID with its status, score and KPIs (as vigie numbers --json, plus display and sparkline)',
  properties: {
    number: { type: 'string', description: 'E.164' },
    display: { type: 'string', description: 'as the French write it: 01 62 00 00 01' },
    asOf: day,
    status: {
      type: 'string',
      enum: ['active', 'watch', 'at_risk', 'compromised', 'suspended', 'resting', 'recovering'],
    },
    dataStatus: { type: 'string' },
    score: { type: 'integer', minimum: 0, maximum: 100 },
    answerRate7d: rate,
    answerRate28d: rate,
    reportRate7d: rate,
    reports7d: { type: 'integer' },
    attempts7d: { type: 'integer' },
    attemptsPerDay7d: { type: ['number', 'null'] },
    cap: { type: 'integer' },
    shortShare7d: rate,
    providers: strings,
    clients: strings,
    campaigns: strings,
    forecast: { type: 'array', items: { type: 'object' } },
    conditions: { type: 'array', items: { type: 'object' } },
    sparkline: {
      type: 'array',
      items: {
        type: 'object',
        properties: { day, answerRate: rate, attempts: { type: 'integer' } },
      },
    },
  },
} as const;

export const numberDetailSchema = {
  type: 'object',
  description:
    'a number with its daily series, score factors, forecast, alerts, violations, assignments and status history',
  allOf: [numberSchema],
  properties: {
    factors: { type: 'array', items: { type: 'object' } },
    forecastDetail: { type: 'object' },
    ramp: { type: ['array', 'null'] },
    daily: { type: 'array', items: { type: 'object' } },
    alerts: { type: 'array', items: { type: 'object' } },
    assignments: { type: 'array', items: { type: 'object' } },
    actions: { type: 'array', items: { type: 'object' } },
    statusChanges: { type: 'array', items: { type: 'object' } },
    violations: { type: 'array', items: { type: 'object' } },
  },
} as const;

export const alertSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    rule: { type: 'string' },
    subject: { type: 'string' },
    subjectDisplay: { type: 'string' },
    severity: { type: 'string', enum: ['critical', 'warning', 'info'] },
    state: { type: 'string', enum: ['open', 'acknowledged', 'resolved'] },
    message: { type: 'string' },
    evidence: { type: 'object' },
    client: { type: ['string', 'null'] },
    provider: { type: ['string', 'null'] },
    openedAt: { type: 'string', format: 'date-time' },
    note: { type: ['string', 'null'] },
    events: { type: 'array', items: { type: 'object' } },
  },
} as const;

export const violationSchema = {
  type: 'object',
  properties: {
    rule: { type: 'string' },
    callId: { type: 'string' },
    caller: { type: 'string' },
    callee: { type: 'string' },
    startedAt: { type: 'string', format: 'date-time' },
    localTime: { type: 'string' },
    timeZone: { type: 'string' },
    provider: { type: 'string' },
    client: { type: ['string', 'null'] },
    campaign: { type: ['string', 'null'] },
    severity: { type: 'string', enum: ['violation', 'warning'] },
    explanation: { type: 'string', description: 'in French' },
    week: { type: 'string', description: 'ISO week, 2026-W47' },
  },
} as const;

export const callSchema = {
  type: 'object',
  properties: {
    provider: { type: 'string' },
    callId: { type: 'string' },
    startedAt: { type: 'string', format: 'date-time' },
    caller: { type: 'string' },
    callee: { type: 'string' },
    direction: { type: 'string' },
    outcome: { type: 'string' },
    short: { type: 'boolean' },
    talkSeconds: { type: ['number', 'null'] },
    client: { type: ['string', 'null'] },
    campaign: { type: ['string', 'null'] },
    sourceFile: { type: 'string' },
  },
} as const;

export const quarantineSchema = {
  type: 'object',
  properties: {
    file: { type: 'string' },
    line: { type: ['integer', 'null'] },
    field: { type: ['string', 'null'] },
    raw: { type: 'string' },
    reason: { type: 'string' },
    reasonFr: { type: 'string' },
    reasonEn: { type: 'string' },
  },
} as const;

export const ingestSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    kind: { type: 'string', enum: ['calls', 'reports', 'registry'] },
    status: { type: 'string', enum: ['done', 'failed'] },
    createdAt: { type: 'string', format: 'date-time' },
    finishedAt: { type: 'string', format: 'date-time' },
    by: { type: 'string' },
    files: { type: 'array', items: { type: 'object' } },
    quarantined: { type: 'integer' },
  },
} as const;

export const sessionSchema = {
  type: 'object',
  required: ['user', 'csrfToken'],
  properties: {
    user: {
      type: 'object',
      properties: {
        email: { type: ['string', 'null'] },
        role: { type: 'string', enum: ['admin', 'analyst', 'provider', 'dialer'] },
        client: { type: ['string', 'null'] },
        provider: { type: ['string', 'null'] },
      },
    },
    csrfToken: { type: ['string', 'null'] },
  },
} as const;
