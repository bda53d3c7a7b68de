import { BREACH_TYPE_LIST, type BreachType, type PenaltySchedule } from './model.ts';
import { monthOf } from './week.ts';

/**
 * A breach the contract attaches money to: a clause broken by a caller ID on a day, a law violation,
 * a number burnt, a weekly report missing, an hour (or day) of inbound service below its level. `count`
 * breaches of the same kind on the same day may be folded into one (violations are counted per call).
 */
export interface Breach {
  readonly type: BreachType;
  /** The Paris day it belongs to (the month of its cap). */
  readonly day: string;
  readonly count: number;
  /** What it is about: a caller ID, a rule id, a site and hour… (for the evidence). */
  readonly subject: string;
  /** The figures behind it, in French and English, e.g. `182 tentatives (plafond 150)`. */
  readonly evidence: string;
}

/** One breach as charged: its gross amount, and what the month's caps leave due. */
export interface ChargedBreach extends Breach {
  readonly unitCents: number;
  readonly grossCents: number;
  readonly dueCents: number;
  /** Which cap cut it, when one did. */
  readonly cappedBy: BreachType | 'total' | null;
}

/** The penalties of one breach type in one month of the period asked. */
export interface PenaltyLine {
  readonly month: string;
  readonly type: BreachType;
  readonly count: number;
  readonly unitCents: number;
  readonly grossCents: number;
  readonly dueCents: number;
}

export interface PenaltyStatement {
  readonly lines: readonly PenaltyLine[];
  readonly breaches: readonly ChargedBreach[];
  readonly grossCents: number;
  readonly dueCents: number;
}

function typeOrder(t: BreachType): number {
  return BREACH_TYPE_LIST.indexOf(t);
}

/**
 * The penalties due for the breaches dated in `[from, to]` (Paris days, inclusive), exactly: each
 * breach costs its unit amount × count; a month's caps (per type, then in total) are consumed in the
 * order the breaches happened, counting the breaches of that month before `from` (earlier weeks): the
 * cap of a month applies to the breaches of that month, so a week spanning two months is split and each
 * part meets its own month's cap. `breaches` must therefore hold every breach from the first day of
 * `from`'s month. Integer cents throughout.
 */
export function computePenalties(
  breaches: readonly Breach[],
  schedule: PenaltySchedule,
  from: string,
  to: string,
): PenaltyStatement {
  const sorted = [...breaches].sort(
    (a, b) =>
      a.day.localeCompare(b.day) ||
      typeOrder(a.type) - typeOrder(b.type) ||
      a.subject.localeCompare(b.subject),
  );
  const used = new Map<string, number>();
  const charged: ChargedBreach[] = [];
  for (const b of sorted) {
    if (b.day > to) continue;
    const month = monthOf(b.day);
    const unit = schedule.amounts[b.type] ?? 0;
    const gross = unit * b.count;
    const typeKey = `${month} ${b.type}`;
    const totalKey = `${month} total`;
    const typeCap = schedule.monthlyCap[b.type];
    const totalCap = schedule.monthlyCap.total;
    const typeLeft = typeCap === undefined ? gross : Math.max(0, typeCap - (used.get(typeKey) ?? 0));
    const totalLeft = totalCap === undefined ? gross : Math.max(0, totalCap - (used.get(totalKey) ?? 0));
    const due = Math.min(gross, typeLeft, totalLeft);
    used.set(typeKey, (used.get(typeKey) ?? 0) + due);
    used.set(totalKey, (used.get(totalKey) ?? 0) + due);
    if (b.day < from) continue;
    const cappedBy = due === gross ? null : typeLeft <= totalLeft ? b.type : 'total';
    charged.push({ ...b, unitCents: unit, grossCents: gross, dueCents: due, cappedBy });
  }
  const lines = new Map<string, PenaltyLine>();
  for (const c of charged) {
    const key = `${monthOf(c.day)} ${c.type}`;
    const line = lines.get(key) ?? {
      month: monthOf(c.day),
      type: c.type,
      count: 0,
      unitCents: c.unitCents,
      grossCents: 0,
      dueCents: 0,
    };
    lines.set(key, {
      ...line,
      count: line.count + c.count,
      grossCents: line.grossCents + c.grossCents,
      dueCents: line.dueCents + c.dueCents,
    });
  }
  const list = [...lines.values()].sort(
    (a, b) => a.month.localeCompare(b.month) || typeOrder(a.type) - typeOrder(b.type),
  );
  return {
    lines: list,
    breaches: charged,
    grossCents: list.reduce((s, l) => s + l.grossCents, 0),
    dueCents: list.reduce((s, l) => s + l.dueCents, 0),
  };
}

/** `1 250,00 €` (French grouping with a plain space, two decimals, from integer cents). */
export function formatEuros(cents: number, lang: 'fr' | 'en' = 'fr'): string {
  const negative = cents < 0;
  const abs = Math.abs(cents);
  const euros = Math.floor(abs / 100);
  const rest = String(abs % 100).padStart(2, '0');
  const grouped = String(euros).replace(/\B(?=(\d{3})+(?!\d))/g, lang === 'fr' ? ' ' : ',');
  const sign = negative ? '-' : '';
  return lang === 'fr' ? `${sign}${grouped},${rest} €` : `${sign}€${grouped}.${rest}`;
}
