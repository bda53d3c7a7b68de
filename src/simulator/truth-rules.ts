import { DAY, isLocalHoliday, localTime, nationalHolidays, TERRITORY_ZONES } from './calendar.ts';
import { attemptsSince, consentStatus, isCustomer, TERRITORIES, type World } from './world.ts';

/**
 * The rule breaks of law.md, computed from the simulator's own knowledge (not with src/law), so that
 * truth.json is an independent answer key. Call this BEFORE recording the call's attempt and refusal.
 */

const BANNED_SECTORS: Readonly<Record<string, string>> = {
  energy_renovation: '2020-07-26',
  renewables: '2020-07-26',
  home_adaptation: '2026-08-11',
  cpf: '2022-12-01',
};

export const SEVERITY: Readonly<Record<string, 'violation' | 'warning'>> = {
  'hours.window': 'violation',
  'hours.day': 'violation',
  'hours.holiday': 'violation',
  'hours.local_holiday': 'warning',
  'frequency.30d': 'violation',
  'refusal.recontact': 'violation',
  'consent.missing': 'violation',
  'consent.invalid': 'violation',
  'sector.banned': 'violation',
  'bloctel.listed': 'violation',
  'bloctel.stale': 'violation',
  'dnc.internal': 'violation',
  'callerid.not_npv': 'violation',
  'callerid.mobile': 'violation',
  'callerid.not_assigned': 'warning',
};

const ALSACE_MOSELLE = new Set([57, 67, 68]);
const REFUSAL_WINDOW_BEFORE_REGIME = 60 * DAY;
const BLOCTEL_VALIDITY = 30 * DAY;

export interface CallFacts {
  readonly t: number;
  readonly caller: number;
  readonly callee: number;
  readonly campaign: number;
}

/** Whether a local second of the day lies in 10:00–13:00 or 14:00–20:00 (end excluded). */
export function inLegalWindow(secondOfDay: number): boolean {
  return (secondOfDay >= 36_000 && secondOfDay < 46_800) || (secondOfDay >= 50_400 && secondOfDay < 72_000);
}

export function calleeZone(world: World, callee: number): string {
  const territory = TERRITORIES[world.population.territory[callee] ?? 0] ?? 'metropole';
  return TERRITORY_ZONES[territory];
}

export function ruleBreaks(world: World, call: CallFacts): string[] {
  const rules: string[] = [];
  const pop = world.population;
  const clients = world.clients.length;
  const campaign = world.campaigns[call.campaign];
  const caller = world.callerIds[call.caller];
  if (campaign === undefined || caller === undefined) return rules;
  const c = campaign.client;
  const i = call.callee;
  const t = call.t;
  const prospecting = campaign.purpose === 'prospecting';
  const consumer = (pop.professional[i] ?? 0) === 0;
  const beforeRegime = t < world.consentRegimeStart;
  if (prospecting && consumer) {
    const territory = TERRITORIES[pop.territory[i] ?? 0] ?? 'metropole';
    const local = localTime(TERRITORY_ZONES[territory], t);
    if (!inLegalWindow(local.secondOfDay)) rules.push('hours.window');
    if (local.weekday === 0 || local.weekday === 6) rules.push('hours.day');
    if (nationalHolidays(Number(local.date.slice(0, 4))).has(local.date)) rules.push('hours.holiday');
    const postcode = pop.postcode[i] ?? 0;
    const alsace = territory === 'metropole' && ALSACE_MOSELLE.has(Math.floor(postcode / 1000));
    if (isLocalHoliday(local.date, territory, alsace)) rules.push('hours.local_holiday');
    if (attemptsSince(pop, clients, i, c, t - 30 * DAY) >= 4) rules.push('frequency.30d');
    const refused = pop.refusalAt[i * clients + c] ?? 0;
    if (refused !== 0 && refused < t && (!beforeRegime || t - refused < REFUSAL_WINDOW_BEFORE_REGIME)) {
      rules.push('refusal.recontact');
    }
    if (!isCustomer(pop, clients, i, c, t)) {
      if (!beforeRegime) {
        const consent = consentStatus(pop, clients, i, c, call.campaign, t);
        if (consent === 'missing') rules.push('consent.missing');
        if (consent === 'invalid') rules.push('consent.invalid');
      }
      const bannedFrom = BANNED_SECTORS[campaign.sector];
      if (bannedFrom !== undefined && new Date(t * 1000).toISOString().slice(0, 10) >= bannedFrom) {
        rules.push('sector.banned');
      }
      if (beforeRegime) {
        const client = world.clients[c];
        let latest = 0;
        for (const at of client?.consultations ?? []) if (at <= t && at > latest) latest = at;
        if (latest === 0 || t - latest > BLOCTEL_VALIDITY) rules.push('bloctel.stale');
        else if ((pop.bloctel[i] ?? 0) === 1) rules.push('bloctel.listed');
      }
    }
  }
  const dnc = pop.dncAt[i] ?? 0;
  if (dnc !== 0 && dnc <= t) rules.push('dnc.internal');
  if (prospecting && (caller.kind === 'ordinary_01' || caller.kind === 'ordinary_09'))
    rules.push('callerid.not_npv');
  if (caller.kind === 'mobile') rules.push('callerid.mobile');
  if (!caller.assigned.some((k) => world.campaigns[k]?.client === c)) rules.push('callerid.not_assigned');
  return rules;
}
