import {
  type CallEvaluator,
  createEvaluator,
  type LawCall,
  type LawFacts,
  placeCallee,
  type Violation,
} from '../law/evaluate.ts';
import type { RuleId, RuleSet, Severity } from '../law/rules.ts';
import { DAY_MS, frenchDate, isoLocal, localTime, zonedToUtc } from '../law/time.ts';
import type { Purpose } from '../records/model.ts';
import { thresholdsFor } from '../reputation/evaluate.ts';
import type { ActionRecord, ReputationConfig, Status } from '../reputation/model.ts';
import { capOn, resolveStatus } from '../reputation/status.ts';
import { type Attempt, CallHistory, parisDay } from './history.ts';
import type { GateRegistry } from './registry.ts';

/** One call a dialer asks about, validated (see service.ts for the writings accepted). */
export interface GateQuestion {
  readonly caller: string;
  readonly callee: string;
  /** UTC ms. */
  readonly at: number;
  readonly client: string | null;
  readonly campaign: string | null;
  readonly purpose: Purpose;
  readonly provider: string | null;
}

/** The gate's own reason ids, besides the law engine's rule ids (public contracts like them). */
export const GATE_RULES = [
  'callerid.suspended',
  'callerid.resting',
  'clause.daily_cap',
  'gate.unavailable',
] as const;
export type GateRule = (typeof GATE_RULES)[number];

export interface GateReason {
  readonly rule: RuleId | GateRule;
  readonly severity: Severity;
  readonly explanation: string;
}

export interface CallerIdState {
  readonly status: Status;
  readonly remainingToday: number;
}

export type Suggestion =
  | {
      readonly kind: 'slot';
      /** The next lawful instant, in the callee's zone with its offset. */
      readonly at: string;
      readonly timeZone: string;
    }
  | { readonly kind: 'callerId'; readonly callerId: string; readonly remainingToday: number };

/** The answer's contract: `{"allowed","reasons","callerId":{"status","remainingToday"},"suggestion"?}`. */
export interface GateDecision {
  readonly allowed: boolean;
  readonly reasons: readonly GateReason[];
  readonly callerId: CallerIdState;
  readonly suggestion?: Suggestion;
}

/** What the gate does when the state it shares with other instances cannot be reached. */
export type UnavailablePolicy = 'fail-closed' | 'fail-open';

export interface GateEngineOptions {
  readonly registry: GateRegistry;
  /** The law engine's facts over `registry` (`lawFacts` of cli/commands/law-options.ts). */
  readonly facts: LawFacts;
  readonly rules: RuleSet;
  readonly reputation: ReputationConfig;
  readonly actions?: readonly ActionRecord[];
  readonly history?: CallHistory;
  readonly policy?: UnavailablePolicy;
}

/** Rules a later instant can lift (the slot search is tried only when every violation is one of them). */
const TIME_RULES: ReadonlySet<string> = new Set([
  'hours.window',
  'hours.day',
  'hours.holiday',
  'frequency.30d',
]);

/** How far ahead a lawful slot is looked for. */
const SLOT_HORIZON_DAYS = 35;

/** The callId the law engine gives a proposed call (as `checkCall` does): after every real one. */
const PROPOSED_CALL_ID = '\uffffcheck';

/**
 * The pre-dial gate: the law engine (the same evaluator `vigie check` and `vigie audit` use) over the
 * gate's registry and live counts, plus the caller ID's status and daily cap. Pure: instants come in
 * the questions, durable writes are the service's.
 */
export class GateEngine {
  readonly registry: GateRegistry;
  readonly history: CallHistory;
  readonly rules: RuleSet;
  readonly #facts: LawFacts;
  readonly #reputation: ReputationConfig;
  readonly #actions = new Map<string, ActionRecord[]>();
  #evaluator: CallEvaluator;
  #version: number;
  policy: UnavailablePolicy;
  /** Set by the shared state when it cannot be reached (null: reachable, or none configured). */
  unavailable: string | null = null;

  constructor(options: GateEngineOptions) {
    this.registry = options.registry;
    this.history = options.history ?? new CallHistory();
    this.rules = options.rules;
    this.#facts = options.facts;
    this.#reputation = options.reputation;
    this.policy = options.policy ?? 'fail-closed';
    for (const a of options.actions ?? []) this.addAction(a);
    this.#evaluator = createEvaluator(this.#facts, this.rules);
    this.#version = this.registry.version;
  }

  /** The numbering facts of a number (the law engine's `describe`). */
  describe(number: string): ReturnType<LawFacts['describe']> {
    return this.#facts.describe(number);
  }

  /** An operator action on a caller ID (suspend, rest, resume) takes effect for the next decision. */
  addAction(action: ActionRecord): void {
    const list = this.#actions.get(action.number);
    if (list === undefined) this.#actions.set(action.number, [action]);
    else list.push(action);
  }

  recordAttempt(attempt: Attempt, seq: number): void {
    this.history.addAttempt(attempt, seq);
  }

  /** An ingested CDR: reconciled with its attempt, if any. */
  addCall(call: LawCall): boolean {
    return this.history.addCall(call);
  }

  #evaluate(call: LawCall): readonly Violation[] {
    if (this.registry.version !== this.#version) {
      // The evaluator keeps the last callee's facts (contact, place): a registry change starts afresh.
      this.#evaluator = createEvaluator(this.#facts, this.rules);
      this.#version = this.registry.version;
    }
    return this.#evaluator(call, this.history.priorTo(call));
  }

  /** The law engine's violations for `q`, as `vigie check` gets them for the same facts. */
  lawViolations(q: GateQuestion): readonly Violation[] {
    return this.#evaluate(lawCallOf(q));
  }

  /** The caller ID's status and what is left of its cap on the Paris day of `at`. */
  callerIdState(
    caller: string,
    at: number,
    client: string | null,
    provider: string | null,
  ): CallerIdState & { cap: number; used: number; ramp: boolean; action: ActionRecord | null } {
    const day = parisDay(at);
    const cap = thresholdsFor(
      this.#reputation,
      provider === null ? [] : [provider],
      client === null ? [] : [client],
    ).dailyCap;
    const resolved = resolveStatus('active', this.#actions.get(caller) ?? NO_ACTIONS, day, cap, () => 'none');
    const todayCap = capOn(day, resolved.ramp, cap);
    const used = this.history.dailyCount(caller, day);
    return {
      status: resolved.status,
      remainingToday: Math.max(0, todayCap - used),
      cap: todayCap,
      used,
      ramp: resolved.ramp !== null,
      action: resolved.action,
    };
  }

  #callerReasons(q: GateQuestion, state: ReturnType<GateEngine['callerIdState']>): GateReason[] {
    const national = this.#facts.describe(q.caller).national;
    const reasons: GateReason[] = [];
    const a = state.action;
    if (state.status === 'suspended' && a !== null)
      reasons.push({
        rule: 'callerid.suspended',
        severity: 'violation',
        explanation: `numéro présenté ${national} suspendu le ${frenchDate(a.day)} par ${a.author} : ${a.reason}`,
      });
    else if (state.status === 'resting' && a !== null)
      reasons.push({
        rule: 'callerid.resting',
        severity: 'violation',
        explanation: `numéro présenté ${national} au repos depuis le ${frenchDate(a.day)} (${a.author} : ${a.reason})`,
      });
    else if (state.remainingToday <= 0)
      reasons.push({
        rule: 'clause.daily_cap',
        severity: 'violation',
        explanation: `plafond du jour atteint pour ${national} : ${state.used} appels pour ${state.cap} permis${state.ramp ? ' (montée en charge après reprise)' : ''}`,
      });
    return reasons;
  }

  /** The gate's answer for one call. */
  decide(q: GateQuestion): GateDecision {
    const state = this.callerIdState(q.caller, q.at, q.client, q.provider);
    const callerId: CallerIdState = { status: state.status, remainingToday: state.remainingToday };
    if (this.unavailable !== null && this.policy === 'fail-closed') {
      return { allowed: false, reasons: [unavailableReason(this.unavailable, 'violation')], callerId };
    }
    const violations = this.lawViolations(q);
    const reasons: GateReason[] = violations.map((v) => ({
      rule: v.rule,
      severity: v.severity,
      explanation: v.explanation,
    }));
    const lawAllowed = violations.every((v) => v.severity !== 'violation');
    const callerReasons = this.#callerReasons(q, state);
    for (const r of callerReasons) reasons.push(r);
    if (this.unavailable !== null) reasons.push(unavailableReason(this.unavailable, 'warning'));
    const allowed = lawAllowed && callerReasons.length === 0;
    if (allowed) return { allowed, reasons, callerId };
    const suggestion = lawAllowed ? this.#otherCallerId(q) : this.#nextSlot(q, violations);
    return suggestion === undefined
      ? { allowed, reasons, callerId }
      : { allowed, reasons, callerId, suggestion };
  }

  /** Another caller ID assigned to the same campaign (and client) with room today that the law allows. */
  #otherCallerId(q: GateQuestion): Suggestion | undefined {
    if (q.campaign === null) return undefined;
    const candidates = new Set<string>();
    for (const a of this.registry.small.assignments) {
      if (
        a.campaign !== q.campaign ||
        (q.client !== null && a.client !== q.client) ||
        a.callerId === q.caller
      )
        continue;
      if ((a.validFrom !== null && a.validFrom > q.at) || (a.validTo !== null && q.at >= a.validTo)) continue;
      candidates.add(a.callerId);
    }
    for (const callerId of [...candidates].sort()) {
      const state = this.callerIdState(callerId, q.at, q.client, q.provider);
      if (this.#callerReasons({ ...q, caller: callerId }, state).length > 0) continue;
      const law = this.lawViolations({ ...q, caller: callerId });
      if (law.every((v) => v.severity !== 'violation'))
        return { kind: 'callerId', callerId, remainingToday: state.remainingToday };
    }
    return undefined;
  }

  /**
   * The next instant at which the same call would be allowed, when only time-bound rules refuse it:
   * the start of each calling window of the following days in the callee's zone (the law engine
   * itself decides each candidate: holidays, lunch break, weekends and the 30-day count included).
   */
  #nextSlot(q: GateQuestion, violations: readonly Violation[]): Suggestion | undefined {
    if (!violations.every((v) => v.severity !== 'violation' || TIME_RULES.has(v.rule))) return undefined;
    const place = placeCallee(this.#facts.describe(q.callee), this.registry.contact(q.callee));
    const zone = place.timeZone;
    const windows = this.rules['hours.window'].params.windows;
    const start = localTime(q.at, zone);
    const [y, m, d] = start.date.split('-').map(Number) as [number, number, number];
    for (let k = 0; k <= SLOT_HORIZON_DAYS; k++) {
      const date = new Date(Date.UTC(y, m - 1, d + k));
      for (const [from] of windows) {
        const [hour, minute] = from.split(':').map(Number) as [number, number];
        const at = zonedToUtc(
          {
            year: date.getUTCFullYear(),
            month: date.getUTCMonth() + 1,
            day: date.getUTCDate(),
            hour,
            minute,
          },
          zone,
        );
        if (at <= q.at || at > q.at + (SLOT_HORIZON_DAYS + 1) * DAY_MS) continue;
        const candidate = { ...q, at };
        if (!this.lawViolations(candidate).every((v) => v.severity !== 'violation')) continue;
        const state = this.callerIdState(q.caller, at, q.client, q.provider);
        if (this.#callerReasons(candidate, state).length > 0) continue;
        return { kind: 'slot', at: isoLocal(localTime(at, zone)), timeZone: zone };
      }
    }
    return undefined;
  }
}

const NO_ACTIONS: readonly ActionRecord[] = [];

export function unavailableReason(detail: string, severity: Severity): GateReason {
  return {
    rule: 'gate.unavailable',
    severity,
    explanation:
      severity === 'violation'
        ? `état partagé injoignable (${detail}) : appel refusé par prudence (politique fail-closed)`
        : `état partagé injoignable (${detail}) : décision sans les comptes des autres instances (politique fail-open)`,
  };
}

/** The call the law engine evaluates for a question (as `checkCall` builds it). */
export function lawCallOf(q: GateQuestion): LawCall {
  return {
    provider: q.provider ?? '',
    callId: PROPOSED_CALL_ID,
    at: q.at,
    caller: q.caller,
    callee: q.callee,
    client: q.client,
    campaign: q.campaign,
    purpose: q.purpose,
    refused: false,
  };
}
