import type { InboundServiceLevel } from './model.ts';

/** Inbound calls of one site in one Paris hour with the same answer and wait (ring seconds, rounded up). */
export interface InboundCount {
  readonly provider: string;
  readonly site: string | null;
  readonly day: string;
  readonly hour: number;
  readonly answered: boolean;
  readonly waitSeconds: number;
  readonly calls: number;
}

/** The service of one site over one hour (or one day, `hour` null), as the contract measures it. */
export interface ServiceBucket {
  readonly provider: string;
  readonly site: string | null;
  readonly day: string;
  readonly hour: number | null;
  /** Inbound calls in the bucket. */
  readonly calls: number;
  readonly answered: number;
  readonly answeredWithin: number;
  /** Not answered after waiting at least the contract's abandonment threshold. */
  readonly abandoned: number;
  /** Not answered, but hung up before the threshold: counted in neither figure. */
  readonly shortAbandoned: number;
  /** answeredWithin ÷ (answered + abandoned); null when nothing counted. */
  readonly serviceLevel: number | null;
  /** abandoned ÷ (answered + abandoned). */
  readonly abandonment: number | null;
  readonly missed: boolean;
}

/**
 * The inbound service level per hour (or per day, as the contract says) from the records: the wait is
 * the call's `ring_seconds`; a call answered within `withinSeconds` is in level; a call not answered
 * after `abandonAfterSeconds` is abandoned. A bucket misses when its level is under the target or its
 * abandonment over the maximum.
 */
export function serviceLevels(counts: readonly InboundCount[], level: InboundServiceLevel): ServiceBucket[] {
  const buckets = new Map<
    string,
    { provider: string; site: string | null; day: string; hour: number | null; c: number[] }
  >();
  for (const n of counts) {
    const hour = level.per === 'hour' ? n.hour : null;
    const key = `${n.provider}\u0000${n.site ?? ''}\u0000${n.day}\u0000${hour ?? ''}`;
    let b = buckets.get(key);
    if (b === undefined) {
      b = { provider: n.provider, site: n.site, day: n.day, hour, c: [0, 0, 0, 0, 0] };
      buckets.set(key, b);
    }
    const c = b.c;
    c[0] = (c[0] ?? 0) + n.calls;
    if (n.answered) {
      c[1] = (c[1] ?? 0) + n.calls;
      if (n.waitSeconds <= level.withinSeconds) c[2] = (c[2] ?? 0) + n.calls;
    } else if (n.waitSeconds >= level.abandonAfterSeconds) c[3] = (c[3] ?? 0) + n.calls;
    else c[4] = (c[4] ?? 0) + n.calls;
  }
  return [...buckets.values()]
    .map(({ provider, site, day, hour, c }) => {
      const [calls = 0, answered = 0, answeredWithin = 0, abandoned = 0, shortAbandoned = 0] = c;
      const base = answered + abandoned;
      const serviceLevel = base === 0 ? null : answeredWithin / base;
      const abandonment = base === 0 ? null : abandoned / base;
      const missed =
        base > 0 && ((serviceLevel ?? 1) < level.answeredShare || (abandonment ?? 0) > level.maxAbandonment);
      return {
        provider,
        site,
        day,
        hour,
        calls,
        answered,
        answeredWithin,
        abandoned,
        shortAbandoned,
        serviceLevel,
        abandonment,
        missed,
      };
    })
    .sort(
      (a, b) =>
        a.provider.localeCompare(b.provider) ||
        (a.site ?? '').localeCompare(b.site ?? '') ||
        a.day.localeCompare(b.day) ||
        (a.hour ?? -1) - (b.hour ?? -1),
    );
}

/** The figures of several buckets together (a site's week). */
export function sumService(buckets: readonly ServiceBucket[]): {
  calls: number;
  serviceLevel: number | null;
  abandonment: number | null;
  missed: number;
  buckets: number;
} {
  let calls = 0;
  let answered = 0;
  let within = 0;
  let abandoned = 0;
  let missed = 0;
  for (const b of buckets) {
    calls += b.calls;
    answered += b.answered;
    within += b.answeredWithin;
    abandoned += b.abandoned;
    if (b.missed) missed++;
  }
  const base = answered + abandoned;
  return {
    calls,
    serviceLevel: base === 0 ? null : within / base,
    abandonment: base === 0 ? null : abandoned / base,
    missed,
    buckets: buckets.length,
  };
}
