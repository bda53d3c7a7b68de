import type { LawCall } from '../law/evaluate.ts';
import { localTime } from '../law/time.ts';
import { numberKey } from './compact.ts';

/** A dialled attempt as a dialer reports it (before its CDR is ingested). */
export interface Attempt {
  readonly provider: string;
  /** The dialer's call id, when it gives one: matched first against the CDR's. */
  readonly callId: string | null;
  /** UTC ms. */
  readonly at: number;
  readonly caller: string;
  readonly callee: string;
  readonly client: string | null;
  readonly campaign: string | null;
  readonly purpose: LawCall['purpose'];
}

/** How close in time an attempt and a CDR without a common call id must be to be the same call. */
export const MATCH_WINDOW_MS = 60_000;

/** One call the gate counts: a CDR, or an attempt no CDR has matched yet. */
export interface HistoryCall extends LawCall {
  readonly attempt: boolean;
}

/** The law engine's total order of calls: time, then provider, then call id. */
export function compareHistory(a: LawCall, b: LawCall): number {
  const t = a.at - b.at;
  if (t !== 0) return t;
  if (a.provider !== b.provider) return a.provider < b.provider ? -1 : 1;
  if (a.callId !== b.callId) return a.callId < b.callId ? -1 : 1;
  return 0;
}

/** The attempt's id in the history when the dialer gave none. */
export function attemptCallId(attempt: Attempt, seq: number): string {
  return attempt.callId ?? `attempt:${seq}`;
}

/**
 * Whether CDR `cdr` is the call of attempt `a`: the same provider and call id, else (either has no
 * usable id in common) the same caller and callee within a minute.
 */
export function sameCall(a: HistoryCall, cdr: LawCall, attemptHadId: boolean): boolean {
  if (a.callee !== cdr.callee) return false;
  if (attemptHadId && a.provider === cdr.provider && a.callId === cdr.callId) return true;
  return a.caller === cdr.caller && Math.abs(a.at - cdr.at) <= MATCH_WINDOW_MS;
}

/**
 * The calls the gate counts, per callee (for the law engine: frequency, refused calls) and per caller
 * ID and Paris day (daily cap). Attempts count at once; when a CDR of the same call arrives it takes
 * the attempt's place (never counted twice). Pure: the caller passes the instants.
 */
export class CallHistory {
  readonly #byCallee = new Map<string, HistoryCall[]>();
  /** Attempts whose dialer gave a call id (matched on it first). */
  readonly #withId = new Set<HistoryCall>();
  readonly #daily = new Map<string, number>();
  /** `numberKey` of every `+33` callee with a call (the scrub's fast path asks without a string). */
  readonly #calleeKeys = new Set<number>();
  #calls = 0;
  #attempts = 0;

  get size(): { calls: number; attempts: number } {
    return { calls: this.#calls, attempts: this.#attempts };
  }

  /** Calls to `callee` strictly before `call` in the engine's order, sorted (the engine's `prior`). */
  priorTo(call: LawCall): readonly HistoryCall[] {
    const list = this.#byCallee.get(call.callee);
    if (list === undefined) return NONE;
    let end = list.length;
    while (end > 0 && compareHistory(list[end - 1] as HistoryCall, call) >= 0) end--;
    return end === list.length ? list : list.slice(0, end);
  }

  /** Calls of `caller` on Paris day `day` (`YYYY-MM-DD`). */
  dailyCount(caller: string, day: string): number {
    return this.#daily.get(`${caller}|${day}`) ?? 0;
  }

  /** Whether any call to this `+33` key is counted (or was: pruning keeps the key). */
  hasCalleeKey(key: number): boolean {
    return this.#calleeKeys.has(key);
  }

  /** Whether any call to `callee` is counted. */
  hasCallee(callee: string): boolean {
    return this.#byCallee.has(callee);
  }

  #insert(call: HistoryCall): void {
    let list = this.#byCallee.get(call.callee);
    if (list === undefined) {
      list = [];
      this.#byCallee.set(call.callee, list);
      this.#calleeKeys.add(numberKey(call.callee));
    }
    let i = list.length;
    while (i > 0 && compareHistory(list[i - 1] as HistoryCall, call) > 0) i--;
    list.splice(i, 0, call);
    this.#count(call, 1);
  }

  #count(call: LawCall, delta: number): void {
    const key = `${call.caller}|${parisDay(call.at)}`;
    this.#daily.set(key, (this.#daily.get(key) ?? 0) + delta);
  }

  /** Counts one attempt. */
  addAttempt(attempt: Attempt, seq: number): void {
    const call: HistoryCall = {
      provider: attempt.provider,
      callId: attemptCallId(attempt, seq),
      at: attempt.at,
      caller: attempt.caller,
      callee: attempt.callee,
      client: attempt.client,
      campaign: attempt.campaign,
      purpose: attempt.purpose,
      refused: false,
      attempt: true,
    };
    if (attempt.callId !== null) this.#withId.add(call);
    this.#insert(call);
    this.#attempts++;
  }

  /**
   * Counts one CDR (outbound). When it is the call of a counted attempt, it replaces that attempt.
   * Returns whether it matched one.
   */
  addCall(cdr: LawCall): boolean {
    const list = this.#byCallee.get(cdr.callee);
    let matched = -1;
    if (list !== undefined) {
      // A call id match wins over a time match.
      for (let i = 0; i < list.length && matched < 0; i++) {
        const h = list[i] as HistoryCall;
        if (h.attempt && this.#withId.has(h) && h.provider === cdr.provider && h.callId === cdr.callId)
          matched = i;
      }
      for (let i = 0; i < list.length && matched < 0; i++) {
        const h = list[i] as HistoryCall;
        if (h.attempt && sameCall(h, cdr, false)) matched = i;
      }
    }
    if (list !== undefined && matched >= 0) {
      const [old] = list.splice(matched, 1);
      if (old !== undefined) {
        this.#withId.delete(old);
        this.#count(old, -1);
        this.#attempts--;
      }
    }
    this.#insert({ ...cdr, attempt: false });
    this.#calls++;
    return matched >= 0;
  }

  /** Forgets what no rule can need any more: calls before `before` (UTC ms) that were not refused. */
  prune(before: number): void {
    for (const [callee, list] of this.#byCallee) {
      const kept = list.filter((c) => c.at >= before || c.refused);
      if (kept.length === list.length) continue;
      if (kept.length === 0) this.#byCallee.delete(callee);
      else this.#byCallee.set(callee, kept);
    }
  }
}

const NONE: readonly never[] = [];

const dayCache = { hour: Number.NaN, day: '' };

/** The Paris calendar day of an instant (the reputation rollup's and the daily cap's day). */
export function parisDay(ms: number): string {
  // Paris changes day only on whole UTC hours: one conversion per hour of instants.
  const hour = Math.floor(ms / 3_600_000);
  if (hour !== dayCache.hour) {
    dayCache.hour = hour;
    dayCache.day = localTime(ms, 'Europe/Paris').date;
  }
  return dayCache.day;
}
