import type { Violation } from '../law/evaluate.ts';
import type { RuleId, Severity } from '../law/rules.ts';
import { quote, quoteOrNull } from './json.ts';

/**
 * The findings of a stored audit, held column by column (call times in a typed array, the strings in
 * arrays that mostly point at the same dictionary strings) rather than as millions of objects: the
 * engine's violation objects die young, and the garbage collector has far less to trace.
 */
export class Findings {
  #times = new Float64Array(1 << 16);
  #length = 0;
  readonly #rule: RuleId[] = [];
  readonly #callId: string[] = [];
  readonly #caller: string[] = [];
  readonly #callee: string[] = [];
  readonly #startedAt: string[] = [];
  readonly #localTime: string[] = [];
  readonly #timeZone: string[] = [];
  readonly #provider: string[] = [];
  readonly #client: (string | null)[] = [];
  readonly #campaign: (string | null)[] = [];
  readonly #severity: Severity[] = [];
  readonly #explanation: string[] = [];

  get length(): number {
    return this.#length;
  }

  /** Adds `v`, found on the call of id `callId` at `t` (ms). */
  add(v: Violation, callId: string, t: number): void {
    if (this.#length === this.#times.length) {
      const grown = new Float64Array(this.#times.length * 2);
      grown.set(this.#times);
      this.#times = grown;
    }
    this.#times[this.#length] = t;
    this.#length += 1;
    this.#rule.push(v.rule);
    this.#callId.push(callId);
    this.#caller.push(v.caller);
    this.#callee.push(v.callee);
    this.#startedAt.push(v.startedAt);
    this.#localTime.push(v.localTime);
    this.#timeZone.push(v.timeZone);
    this.#provider.push(v.provider);
    this.#client.push(v.client);
    this.#campaign.push(v.campaign);
    this.#severity.push(v.severity);
    this.#explanation.push(v.explanation);
  }

  /**
   * The indices of the findings in `compareViolations` order: call time (as numbers, much cheaper than
   * the ISO strings, which order the same), provider, call id, rule.
   */
  order(): Uint32Array {
    const order = new Uint32Array(this.#length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    const times = this.#times;
    const provider = this.#provider;
    const callId = this.#callId;
    const rule = this.#rule;
    return order.sort((a, b) => {
      const dt = (times[a] ?? 0) - (times[b] ?? 0);
      if (dt !== 0) return dt;
      const pa = provider[a] ?? '';
      const pb = provider[b] ?? '';
      if (pa !== pb) return pa < pb ? -1 : 1;
      const ca = callId[a] ?? '';
      const cb = callId[b] ?? '';
      if (ca !== cb) return ca < cb ? -1 : 1;
      const ra = rule[a] ?? '';
      const rb = rule[b] ?? '';
      return ra < rb ? -1 : ra > rb ? 1 : 0;
    });
  }

  /** Finding `i` as a violation object (keys in the order JSON writes them). */
  at(i: number): Violation {
    return {
      rule: this.#rule[i] ?? 'hours.window',
      callId: this.#callId[i] ?? '',
      caller: this.#caller[i] ?? '',
      callee: this.#callee[i] ?? '',
      startedAt: this.#startedAt[i] ?? '',
      localTime: this.#localTime[i] ?? '',
      timeZone: this.#timeZone[i] ?? '',
      provider: this.#provider[i] ?? '',
      client: this.#client[i] ?? null,
      campaign: this.#campaign[i] ?? null,
      severity: this.#severity[i] ?? 'violation',
      explanation: this.#explanation[i] ?? '',
    };
  }

  /** `JSON.stringify(this.at(i))`, byte for byte, without the object. */
  json(i: number): string {
    return `{"rule":${quote(this.#rule[i] ?? '')},"callId":${quote(this.#callId[i] ?? '')},"caller":${quote(this.#caller[i] ?? '')},"callee":${quote(this.#callee[i] ?? '')},"startedAt":${quote(this.#startedAt[i] ?? '')},"localTime":${quote(this.#localTime[i] ?? '')},"timeZone":${quote(this.#timeZone[i] ?? '')},"provider":${quote(this.#provider[i] ?? '')},"client":${quoteOrNull(this.#client[i] ?? null)},"campaign":${quoteOrNull(this.#campaign[i] ?? null)},"severity":${quote(this.#severity[i] ?? '')},"explanation":${quote(this.#explanation[i] ?? '')}}`;
  }
}
