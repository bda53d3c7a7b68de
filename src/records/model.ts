import type { PhoneNumber } from '../numbering/phone.ts';

/** Canonical outcomes of a call attempt (records.md §3). */
export const OUTCOMES = [
  'answered',
  'voicemail',
  'no_answer',
  'busy',
  'rejected',
  'blocked',
  'invalid_number',
  'failed',
  'canceled',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const DIRECTIONS = ['outbound', 'inbound'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const PURPOSES = ['prospecting', 'service', 'collection', 'survey', 'other'] as const;
export type Purpose = (typeof PURPOSES)[number];

export const ATTESTATIONS = ['A', 'B', 'C'] as const;
export type Attestation = (typeof ATTESTATIONS)[number];

/** Signals that an outcome mapping can raise besides the outcome itself. */
export type CallSignal = 'identity_failed';

/** Talk time under which an answered call counts as `short` (a hang-up on seeing the number). */
export const DEFAULT_SHORT_CALL_SECONDS = 6;

/** One call attempt as Vigie stores it (records.md §1): times in UTC, phones in E.164. */
export interface CallRecord {
  readonly provider: string;
  readonly callId: string;
  readonly startedAt: Date;
  readonly caller: PhoneNumber;
  readonly callee: PhoneNumber;
  readonly direction: Direction;
  readonly outcome: Outcome;
  readonly short: boolean;
  readonly ringSeconds: number | null;
  readonly talkSeconds: number | null;
  readonly site: string | null;
  readonly client: string | null;
  readonly campaign: string | null;
  readonly agent: string | null;
  readonly purpose: Purpose;
  readonly refused: boolean;
  readonly sipCode: number | null;
  readonly q850Cause: number | null;
  readonly attestation: Attestation | null;
  readonly disposition: string | null;
  readonly signal: CallSignal | null;
}

/** The formats that `vigie ingest --format` accepts (records.md §2). */
export const CALL_FORMATS = [
  'canonical',
  'asterisk',
  'freeswitch',
  'vicidial',
  'twilio',
  'freepbx',
  '3cx',
  'asterisk-custom',
  'map',
] as const;
export type CallFormat = (typeof CALL_FORMATS)[number];
