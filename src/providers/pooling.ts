import type { Assignment } from '../registry/model.ts';
import type { Contract } from './model.ts';

/** The outbound calls of one caller ID on one Paris day for one provider, site, client and campaign. */
export interface CallerUse {
  readonly provider: string;
  readonly site: string | null;
  readonly client: string | null;
  readonly campaign: string | null;
  readonly callerId: string;
  readonly day: string;
  readonly attempts: number;
  readonly answered: number;
  /** The day's first and last call ids (by start time) of this use. */
  readonly firstCallId: string;
  readonly lastCallId: string;
}

export type PoolingKind = 'clients' | 'campaigns' | 'providers' | 'assigned_providers';

/** Who used (or was given) the number, with the evidence: days, calls, first and last call ids. */
export interface PoolingParty {
  readonly provider: string;
  readonly client: string | null;
  readonly campaign: string | null;
  readonly days: readonly string[];
  readonly calls: number;
  readonly firstCallId: string | null;
  readonly lastCallId: string | null;
}

export interface PoolingCase {
  readonly callerId: string;
  readonly kind: PoolingKind;
  /** The days the number was shared (empty for assignments alone). */
  readonly days: readonly string[];
  readonly parties: readonly PoolingParty[];
  /** For `assigned_providers`: the assignments' file and line. */
  readonly assignments: readonly { file: string; line: number; provider: string; client: string }[];
}

/** Whether `callerId` is dedicated for `provider` on `dayStart` (an assignment says so, or the contract). */
export function isDedicated(
  callerId: string,
  provider: string,
  at: number,
  assignments: readonly Assignment[],
  contract: Contract,
): boolean {
  if (contract.dedicatedNumbers) return true;
  return assignments.some(
    (a) =>
      a.callerId === callerId &&
      a.dedicated &&
      (a.provider === null || a.provider === provider) &&
      (a.validFrom ?? Number.NEGATIVE_INFINITY) <= at &&
      at < (a.validTo ?? Number.POSITIVE_INFINITY),
  );
}

function partiesOf(uses: readonly CallerUse[], key: (u: CallerUse) => string): PoolingParty[] {
  const groups = new Map<string, CallerUse[]>();
  for (const u of uses) {
    const k = key(u);
    const l = groups.get(k) ?? [];
    l.push(u);
    groups.set(k, l);
  }
  return [...groups.values()]
    .map((l) => {
      const sorted = [...l].sort((a, b) => a.day.localeCompare(b.day));
      const first = sorted[0];
      const last = sorted[sorted.length - 1];
      return {
        provider: first?.provider ?? '',
        client: first?.client ?? null,
        campaign: first?.campaign ?? null,
        days: [...new Set(sorted.map((u) => u.day))],
        calls: l.reduce((s, u) => s + u.attempts, 0),
        firstCallId: first?.firstCallId ?? null,
        lastCallId: last?.lastCallId ?? null,
      };
    })
    .sort(
      (a, b) =>
        a.provider.localeCompare(b.provider) ||
        (a.client ?? '').localeCompare(b.client ?? '') ||
        (a.campaign ?? '').localeCompare(b.campaign ?? ''),
    );
}

/**
 * Pooling found in the data: a caller ID used on the same day for two clients, or by two providers,
 * or for two campaigns when it is dedicated (by its assignment or its provider's contract); and a
 * caller ID assigned to two providers over a common period. Each case lists its days and, per party,
 * its calls and first and last call ids. `dayStart` gives the UTC instant of a Paris day.
 */
export function findPooling(
  uses: readonly CallerUse[],
  assignments: readonly Assignment[],
  contractOf: (provider: string) => Contract,
  dayStart: (day: string) => number,
): PoolingCase[] {
  const byCallerDay = new Map<string, CallerUse[]>();
  for (const u of uses) {
    const k = `${u.callerId} ${u.day}`;
    const l = byCallerDay.get(k) ?? [];
    l.push(u);
    byCallerDay.set(k, l);
  }
  const shared = new Map<
    string,
    { callerId: string; kind: PoolingKind; uses: CallerUse[]; days: Set<string> }
  >();
  const add = (kind: PoolingKind, list: CallerUse[]) => {
    const first = list[0];
    if (first === undefined) return;
    const k = `${first.callerId} ${kind}`;
    const entry = shared.get(k) ?? { callerId: first.callerId, kind, uses: [], days: new Set<string>() };
    entry.uses.push(...list);
    entry.days.add(first.day);
    shared.set(k, entry);
  };
  for (const list of byCallerDay.values()) {
    const clients = new Set(list.map((u) => u.client ?? ''));
    const providers = new Set(list.map((u) => u.provider));
    const campaigns = new Set(list.map((u) => `${u.client ?? ''}/${u.campaign ?? ''}`));
    if (clients.size > 1) add('clients', list);
    if (providers.size > 1) add('providers', list);
    else if (clients.size === 1 && campaigns.size > 1) {
      const first = list[0];
      if (
        first !== undefined &&
        isDedicated(
          first.callerId,
          first.provider,
          dayStart(first.day),
          assignments,
          contractOf(first.provider),
        )
      )
        add('campaigns', list);
    }
  }
  const cases: PoolingCase[] = [...shared.values()].map((e) => ({
    callerId: e.callerId,
    kind: e.kind,
    days: [...e.days].sort(),
    parties: partiesOf(e.uses, (u) =>
      e.kind === 'providers' ? u.provider : `${u.provider} ${u.client ?? ''} ${u.campaign ?? ''}`,
    ),
    assignments: [],
  }));
  // Declared: one caller ID given to two providers over a common period.
  const byCaller = new Map<string, Assignment[]>();
  for (const a of assignments) {
    if (a.provider === null) continue;
    const l = byCaller.get(a.callerId) ?? [];
    l.push(a);
    byCaller.set(a.callerId, l);
  }
  for (const [callerId, list] of byCaller) {
    const pairs = list.filter((a) =>
      list.some(
        (b) =>
          b.provider !== a.provider &&
          (a.validFrom ?? Number.NEGATIVE_INFINITY) < (b.validTo ?? Number.POSITIVE_INFINITY) &&
          (b.validFrom ?? Number.NEGATIVE_INFINITY) < (a.validTo ?? Number.POSITIVE_INFINITY),
      ),
    );
    if (pairs.length === 0) continue;
    cases.push({
      callerId,
      kind: 'assigned_providers',
      days: [],
      parties: [...new Set(pairs.map((a) => a.provider ?? ''))].sort().map((provider) => ({
        provider,
        client: null,
        campaign: null,
        days: [],
        calls: 0,
        firstCallId: null,
        lastCallId: null,
      })),
      assignments: pairs.map((a) => ({
        file: a.file,
        line: a.line,
        provider: a.provider ?? '',
        client: a.client,
      })),
    });
  }
  return cases.sort((a, b) => a.callerId.localeCompare(b.callerId) || a.kind.localeCompare(b.kind));
}
