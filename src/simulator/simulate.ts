import { createReadStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Outcome } from '../records/model.ts';
import {
  addDays,
  DAY,
  fromLocal,
  isoUtc,
  localTime,
  nationalHolidays,
  parisMidnight,
  TERRITORY_ZONES,
} from './calendar.ts';
import { type ExportFormat, type ProfileConfig, resolveConfig, type SimulateOptions } from './config.ts';
import { writeInboundService, writeMysteryCalls, writeOrganisationFile } from './contracts.ts';
import { OutFile } from './out-file.ts';
import { Random } from './random.ts';
import { writeRegistry } from './registry.ts';
import { calleeZone, inLegalWindow, ruleBreaks, SEVERITY } from './truth-rules.ts';
import {
  type AnsweredKind,
  CORRUPTIONS,
  type CallRow,
  type Corruption,
  carries,
  encodingOf,
  fileName,
  header,
  INBOUND_HEADER,
  ingestFormat,
  newline,
  observe,
  renderCall,
  renderInbound,
} from './writers.ts';
import {
  attemptsSince,
  buildWorld,
  type Campaign,
  type CallerId,
  consentStatus,
  isCustomer,
  type Provider,
  recordAttempt,
  TERRITORIES,
  type World,
} from './world.ts';

/** What one simulation wrote, for the CLI and the demo. */
export interface SimulationSummary {
  readonly out: string;
  readonly seed: string;
  readonly start: string;
  readonly days: number;
  readonly outboundCalls: number;
  readonly inboundCalls: number;
  readonly reports: number;
  readonly corrupted: number;
  readonly callsWithBreaks: number;
  readonly breaksByRule: Readonly<Record<string, number>>;
  readonly labelledNumbers: number;
  /** Every folder under exports/ holding a vigie-source.json. */
  readonly exportFolders: readonly string[];
  readonly registryDir: string;
  readonly reportsDir: string;
  readonly truthPath: string;
  /** The organisation file (clients, providers, sites, campaigns, contracts) for the scorecards. */
  readonly organisationFile: string;
  /** Mystery-call results for `vigie ingest-audits`. */
  readonly auditsFile: string;
}

interface CallerState {
  active: boolean;
  labelled: boolean;
  severe: boolean;
  strength: number;
  strengthAtRest: number;
  restDays: number;
  recoveryDays: number;
  labelledDays: string[];
  firstLabelled: string | null;
  planned: number;
  attempts: number;
  recorded: number;
  answered: number;
  short: number;
  reports: number;
  callbacks: number;
  clientsToday: Set<number>;
  campaignsToday: Set<number>;
  history: { attempts: number; reports: number }[];
  previous: Int32Array;
}

/** Growable columns of one day's planned attempts (bounded by a day's volume, not the whole run). */
class DayPlan {
  size = 0;
  t = new Float64Array(1024);
  caller = new Int32Array(1024);
  callee = new Int32Array(1024);
  campaign = new Int32Array(1024);

  push(t: number, caller: number, callee: number, campaign: number): void {
    if (this.size === this.t.length) {
      const grow = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.t = grow(this.t, (n) => new Float64Array(n));
      this.caller = grow(this.caller, (n) => new Int32Array(n));
      this.callee = grow(this.callee, (n) => new Int32Array(n));
      this.campaign = grow(this.campaign, (n) => new Int32Array(n));
    }
    this.t[this.size] = t;
    this.caller[this.size] = caller;
    this.callee[this.size] = callee;
    this.campaign[this.size] = campaign;
    this.size++;
  }

  order(): Uint32Array {
    const idx = new Uint32Array(this.size);
    for (let i = 0; i < this.size; i++) idx[i] = i;
    const t = this.t;
    idx.sort((a, b) => (t[a] ?? 0) - (t[b] ?? 0) || a - b);
    return idx;
  }
}

interface Folder {
  readonly dir: string;
  readonly rel: string;
  readonly format: ExportFormat;
  readonly zone: string;
  file: OutFile | undefined;
  fileRel: string;
  sequence: number;
}

const REPORT_SOURCES = {
  orange: 0.22,
  sfr: 0.1,
  bouygues: 0.08,
  free: 0.06,
  '33700': 0.1,
  tellows: 0.14,
  quiappelle: 0.12,
  'clever-dialer': 0.06,
  truecaller: 0.12,
} as const;
const REPORT_COMMENTS = [
  '',
  '',
  'Démarchage, raccroche dès que je décroche',
  'Appelle tous les jours, plusieurs fois',
  'Ne laisse jamais de message',
  'Se présente comme fournisseur d’énergie',
  'Appel à 8h du matin !',
  '"Mutuelle", insistant',
];
const EXCEL_AGENTS = [
  'hélène.m',
  'françois.d',
  'gaëlle.r',
  'jérôme.b',
  'anaïs.l',
  'noël.p',
  'amélie.t',
  'loïc.v',
];
const OUT_OF_HOURS: readonly [number, number][] = [
  [28_800, 36_000],
  [46_800, 50_400],
  [72_000, 77_400],
];
const SITE_OPEN = 8 * 3600;
const SITE_CLOSE = 21 * 3600;

function legalSecond(rng: Random): number {
  const u = Math.floor(rng.next() * 32_400);
  return u < 10_800 ? 36_000 + u : 50_400 + (u - 10_800);
}

function outOfHoursSecond(rng: Random): number {
  const total = OUT_OF_HOURS.reduce((s, [a, b]) => s + b - a, 0);
  let u = Math.floor(rng.next() * total);
  for (const [a, b] of OUT_OF_HOURS) {
    if (u < b - a) return a + u;
    u -= b - a;
  }
  return 36_000;
}

function csvQuote(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function isHoliday(day: string): boolean {
  return nationalHolidays(Number(day.slice(0, 4))).has(day);
}

/**
 * Simulates `days` days of outsourced outbound calling and writes the exports, spam reports,
 * registry and truth.json under `out`. Deterministic per seed; streams day by day.
 */
export async function simulate(options: SimulateOptions): Promise<SimulationSummary> {
  const config = resolveConfig(options);
  const out = options.out;
  const root = new Random(config.seed);
  const world = buildWorld(config, root.fork('world'), isHoliday);
  for (const sub of ['exports', 'reports', 'registry', 'audits'])
    rmSync(join(out, sub), { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const registryDir = join(out, 'registry');
  const refusalsFile = await writeRegistry(world, registryDir, root.fork('registry'));
  const folders = openFolders(world, out);
  const truth = new OutFile(join(out, 'truth.json'));
  const sideDir = join(out, '.truth-parts');
  rmSync(sideDir, { recursive: true, force: true });
  const callerDays = new OutFile(join(sideDir, 'caller-days.json'));
  const corruptedPart = new OutFile(join(sideDir, 'corrupted.json'));
  truth.write(`{\n"version": 1,\n"generator": "vigie simulate",\n"config": ${JSON.stringify(config)},\n`);
  truth.write(
    `"start": "${config.start}",\n"end": "${world.days[world.days.length - 1] ?? config.start}",\n`,
  );
  truth.write(`"providers": ${JSON.stringify(describeProviders(world, folders))},\n`);
  truth.write(`"callerIds": ${JSON.stringify(world.callerIds.map((c) => describeCaller(world, c)))},\n`);
  truth.write('"violations": [\n');
  const states: CallerState[] = world.callerIds.map((c) => ({
    active: !c.spare,
    labelled: false,
    severe: false,
    strength: 0,
    strengthAtRest: 0,
    restDays: 0,
    recoveryDays: 0,
    labelledDays: [],
    firstLabelled: null,
    planned: 0,
    attempts: 0,
    recorded: 0,
    answered: 0,
    short: 0,
    reports: 0,
    callbacks: 0,
    clientsToday: new Set(),
    campaignsToday: new Set(),
    history: [],
    previous: new Int32Array(0),
  }));
  const totals = {
    outbound: 0,
    inbound: 0,
    reports: 0,
    corrupted: 0,
    callsWithBreaks: 0,
    byRule: {} as Record<string, number>,
    byProvider: world.providers.map((p) => ({
      provider: p.id,
      profile: p.profileId,
      attempts: 0,
      answered: 0,
      reports: 0,
      outOfHours: 0,
      callsWithBreaks: 0,
      byRule: {} as Record<string, number>,
    })),
  };
  const clauses: { rule: string; caller: string; provider: string; day: string; detail: string }[] = [];
  let firstViolation = true;
  let firstCallerDay = true;
  let firstCorrupted = true;
  const counters = world.providers.map(() => 0);
  const reportFiles = new Map<string, OutFile>();
  const inboundFiles = new Map<number, OutFile>();
  const C = world.clients.length;
  const pop = world.population;
  const rep = config.reputation;

  for (let d = 0; d < world.days.length; d++) {
    const day = world.days[d] ?? config.start;
    const rng = root.fork(`day-${d}`);
    const dayStart = parisMidnight(day);
    const plan = planDay(world, states, day, dayStart, rng);
    const order = plan.order();
    const compact = day.replaceAll('-', '');
    for (let n = 0; n < order.length; n++) {
      const x = order[n] ?? 0;
      const t = plan.t[x] ?? 0;
      const k = plan.caller[x] ?? 0;
      const i = plan.callee[x] ?? 0;
      const campaign = world.campaigns[plan.campaign[x] ?? 0];
      const caller = world.callerIds[k];
      const st = states[k];
      if (campaign === undefined || caller === undefined || st === undefined) continue;
      const provider = world.providers[caller.provider];
      const site = provider?.sites[caller.site];
      if (provider === undefined || site === undefined) continue;
      const client = world.clients[campaign.client];
      const c = campaign.client;
      const s = st.strength;
      const profile = provider.profile;
      const prospecting = campaign.purpose === 'prospecting';
      // What happens on the line.
      let outcome: Outcome;
      if (rng.chance(profile.invalidNumberShare)) outcome = 'invalid_number';
      else if (rng.chance(caller.baseAnswer * (1 - (1 - rep.labelledAnswerFactor) * s))) outcome = 'answered';
      else {
        const w = config.outcomes.unanswered;
        outcome = rng.weighted({ ...w, blocked: w.blocked + rep.blockedLabelledExtra * s });
      }
      outcome = observe(site.format, outcome);
      let ring = 0;
      let talk = 0;
      let short = false;
      switch (outcome) {
        case 'answered': {
          ring = Math.min(
            40,
            Math.max(2, rng.logNormal(config.outcomes.answeredRingMedian, config.outcomes.answeredRingSigma)),
          );
          short = rng.chance(rep.shortShareHealthy + rep.shortShareLabelledExtra * s);
          talk = short
            ? rng.between(1, 5.9)
            : Math.min(
                3600,
                Math.max(6, rng.logNormal(config.outcomes.talkMedian, config.outcomes.talkSigma)),
              );
          break;
        }
        case 'no_answer':
          ring = rng.between(config.outcomes.noAnswerRing[0], config.outcomes.noAnswerRing[1]);
          break;
        case 'voicemail':
          ring = rng.between(12, 30);
          break;
        case 'canceled':
          ring = rng.between(4, 20);
          break;
        case 'rejected':
          ring = rng.between(1, 9);
          break;
        default:
          ring = rng.between(0, 2);
      }
      if (site.format !== 'canonical-excel') {
        ring = Math.round(ring);
        talk = Math.round(talk);
        if (outcome === 'answered' && talk < 1) talk = 1;
        short = outcome === 'answered' && talk < 6;
      } else {
        ring = Math.round(ring * 10) / 10;
        talk = Math.round(talk * 10) / 10;
      }
      const consentNow = prospecting
        ? consentStatus(pop, C, i, c, campaign.index, t) === 'valid' || isCustomer(pop, C, i, c, t)
        : true;
      let corrupt: Corruption | null = null;
      if (rng.chance(config.corruption.share) && !(site.format === 'asterisk' && outcome === 'answered')) {
        corrupt = rng.pick(CORRUPTIONS);
      }
      let answeredKind: AnsweredKind = 'not_interested';
      if (outcome === 'answered') {
        const refusalRate = consentNow
          ? config.outcomes.refusalWithConsent
          : config.outcomes.refusalWithoutConsent;
        if (prospecting && !short && corrupt === null && rng.chance(refusalRate)) answeredKind = 'refused';
        else if (rng.chance(config.outcomes.saleShare)) answeredKind = 'sale';
        else if (rng.chance(0.1)) answeredKind = 'callback';
      }
      const refused = answeredKind === 'refused';
      const local = localTime(calleeZone(world, i), t);
      const outOfHours = !inLegalWindow(local.secondOfDay) || local.weekday === 0 || local.weekday === 6;
      // The truth, before this call's own attempt and refusal are recorded.
      let rules: string[] = [];
      if (corrupt === null) {
        rules = ruleBreaks(world, { t, caller: k, callee: i, campaign: campaign.index });
      }
      const recentByClient = attemptsSince(pop, C, i, c, t - 7 * DAY);
      if (corrupt === null) {
        if (prospecting) recordAttempt(pop, C, i, c, t);
        if (refused) {
          pop.refusalAt[i * C + c] = t;
          const p = refusalsFile.write(`${pop.number[i] ?? ''},${isoUtc(t)},${client?.id ?? ''}\n`);
          if (p) await p;
        }
      }
      // The row.
      const folder = folderFor(folders, world, caller, campaign);
      const seq = (counters[caller.provider] ?? 0) + 1;
      counters[caller.provider] = seq;
      const id = callId(site.format, site.id, provider.index, seq, t, rng, compact);
      const agentLegId = site.format === 'asterisk' ? `${Math.floor(t + ring)}.${seq * 2 + 1}` : '';
      const row: CallRow = {
        callId: id,
        agentLegId,
        t,
        ring,
        talk,
        outcome,
        answeredKind,
        blockedCode: rng.chance(0.5) ? 607 : 608,
        agent:
          site.format === 'canonical-excel'
            ? rng.pick(EXCEL_AGENTS)
            : site.format === 'asterisk'
              ? String(201 + rng.int(0, 39))
              : `agent${String(rng.int(1, 40)).padStart(2, '0')}`,
        callerNational: caller.national,
        callerE164: caller.e164,
        callerName: client?.name ?? '',
        calleeE164: pop.number[i] ?? '',
        calleeCc: countryCode(pop.number[i] ?? '', pop.territory[i] ?? 0),
        client: client?.id ?? '',
        campaign: campaign.id,
        purpose: campaign.purpose,
        refused,
        corrupt,
        sequence: folder.sequence++,
      };
      const file = await folderFile(folder, day);
      const lines = renderCall(site.format, row, folder.zone);
      const line = file.lines + 1;
      file.lines += lines.length;
      const eol = newline(site.format);
      const w1 = file.write(`${lines.join(eol)}${eol}`);
      if (w1) await w1;
      // Counters, truth.
      totals.outbound++;
      st.attempts++;
      const byProvider = totals.byProvider[provider.index];
      if (corrupt === null) {
        st.recorded++;
        st.clientsToday.add(c);
        st.campaignsToday.add(campaign.index);
        if (outcome === 'answered') st.answered++;
        if (short) st.short++;
        if (byProvider) {
          byProvider.attempts++;
          if (outcome === 'answered') byProvider.answered++;
          if (outOfHours) byProvider.outOfHours++;
        }
      }
      if (corrupt !== null) {
        totals.corrupted++;
        const entry = { file: folder.fileRel, line, kind: corrupt, provider: provider.id, call_id: id };
        const p = corruptedPart.write(`${firstCorrupted ? '' : ',\n'}${JSON.stringify(entry)}`);
        firstCorrupted = false;
        if (p) await p;
      }
      if (rules.length > 0) {
        totals.callsWithBreaks++;
        if (byProvider) byProvider.callsWithBreaks++;
        for (const r of rules) {
          totals.byRule[r] = (totals.byRule[r] ?? 0) + 1;
          if (byProvider) byProvider.byRule[r] = (byProvider.byRule[r] ?? 0) + 1;
        }
        const entry = {
          provider: provider.id,
          call_id: id,
          started_at: isoUtc(t),
          caller: caller.e164,
          callee: pop.number[i] ?? '',
          client: client?.id ?? '',
          campaign: campaign.id,
          rules,
          file: folder.fileRel,
          line,
        };
        const p = truth.write(`${firstViolation ? '' : ',\n'}${JSON.stringify(entry)}`);
        firstViolation = false;
        if (p) await p;
      }
      // Spam reports: pressure makes people report.
      let pReport =
        rep.baseReportRate * (1 + (Math.max(0, st.planned - rep.volumeKnee) / 100) * rep.volumeFactorPer100);
      if (recentByClient >= 2) pReport *= rep.repeatFactor;
      if (outOfHours) pReport *= rep.outOfHoursFactor;
      if (prospecting && !consentNow) pReport *= rep.noConsentFactor;
      if (short) pReport *= rep.shortCallFactor;
      if (refused) pReport *= 3;
      if (outcome !== 'invalid_number' && rng.chance(Math.min(1, pReport))) {
        st.reports++;
        totals.reports++;
        if (byProvider) byProvider.reports++;
        let reports = reportFiles.get(day);
        if (reports === undefined) {
          reports = new OutFile(join(out, 'reports', `reports-${compact}.csv`));
          reports.write('number,reported_at,source,category,comment\n');
          reportFiles.set(day, reports);
        }
        const category =
          recentByClient >= 2
            ? rng.pick(['harassment', 'telemarketing'])
            : rng.chance(0.7)
              ? 'telemarketing'
              : 'spam';
        const at = Math.round(t + ring + talk + rng.exponential(2400));
        const p = reports.write(
          `${caller.e164},${isoUtc(at)},${rng.weighted(REPORT_SOURCES)},${category},${csvQuote(rng.pick(REPORT_COMMENTS))}\n`,
        );
        if (p) await p;
      }
      // Call-backs: people return missed calls from numbers they trust.
      const missed = outcome === 'no_answer' || outcome === 'voicemail' || outcome === 'busy';
      const pBack =
        (outcome === 'answered' ? rep.callbackAfterAnswered : missed ? rep.callbackAfterMissed : 0) *
        (1 - rep.callbackLabelLoss * s);
      if (pBack > 0 && rng.chance(pBack)) {
        st.callbacks++;
        totals.inbound++;
        let inbound = inboundFiles.get(provider.index);
        if (inbound === undefined) {
          inbound = new OutFile(join(out, 'exports', provider.id, 'inbound', `inbound-${compact}.csv`));
          inbound.write(`${INBOUND_HEADER}\n`);
          inboundFiles.set(provider.index, inbound);
        }
        const answeredBack = rng.chance(0.7);
        const p = inbound.write(
          `${renderInbound({
            id: `IN-${provider.id}-${compact}-${totals.inbound}`,
            t: Math.round(t + ring + talk + 60 + rng.exponential(5400)),
            from: pop.number[i] ?? '',
            to: caller.e164,
            answered: answeredBack,
            ring: Math.round(rng.between(2, 15)),
            talk: answeredBack ? Math.round(rng.logNormal(50, 0.7)) : 0,
            provider: provider.id,
            site: site.id,
            client: client?.id ?? '',
            campaign: campaign.id,
          })}\n`,
        );
        if (p) await p;
      }
    }
    for (const folder of folders.values()) {
      if (folder.file) await folder.file.close();
      folder.file = undefined;
    }
    for (const f of reportFiles.values()) await f.close();
    reportFiles.clear();
    for (const f of inboundFiles.values()) await f.close();
    inboundFiles.clear();
    // End of day: reputation moves, clauses, per-number figures.
    let labelledToday = 0;
    for (const caller of world.callerIds) {
      const st = states[caller.index];
      const provider = world.providers[caller.provider];
      if (st === undefined || provider === undefined) continue;
      if (st.recorded > config.dailyCap) {
        clauses.push({
          rule: 'clause.daily_cap',
          caller: caller.e164,
          provider: provider.id,
          day,
          detail: `${st.recorded} attempts`,
        });
      }
      if (caller.dedicated && (st.clientsToday.size > 1 || st.campaignsToday.size > 1)) {
        clauses.push({
          rule: 'clause.dedicated',
          caller: caller.e164,
          provider: provider.id,
          day,
          detail: `${st.clientsToday.size} clients, ${st.campaignsToday.size} campaigns`,
        });
      }
      if (st.strength > 0) {
        labelledToday++;
        st.labelledDays.push(day);
      }
      if (st.attempts > 0 || st.strength > 0) {
        const entry = {
          day,
          number: caller.e164,
          provider: provider.id,
          profile: provider.profileId,
          attempts: st.recorded,
          answered: st.answered,
          short: st.short,
          reports: st.reports,
          callbacks: st.callbacks,
          strength: Math.round(st.strength * 100) / 100,
          labelled: st.strength > 0,
          resting: !st.active,
        };
        const p = callerDays.write(`${firstCallerDay ? '' : ',\n'}${JSON.stringify(entry)}`);
        firstCallerDay = false;
        if (p) await p;
      }
      endOfDay(world, states, caller, st, rng, day);
    }
    options.onDay?.({
      day,
      index: d,
      days: world.days.length,
      calls: order.length,
      totalCalls: totals.outbound,
      labelled: labelledToday,
    });
  }
  await refusalsFile.close();
  await callerDays.close();
  await corruptedPart.close();
  truth.write('\n],\n"callerDays": [\n');
  await appendFile(truth, callerDays.path);
  truth.write('\n],\n"corrupted": [\n');
  await appendFile(truth, corruptedPart.path);
  rmSync(sideDir, { recursive: true, force: true });
  const labelled = world.callerIds
    .map((c) => ({ c, st: states[c.index] }))
    .filter(({ st }) => st !== undefined && st.labelledDays.length > 0)
    .map(({ c, st }) => ({
      number: c.e164,
      provider: world.providers[c.provider]?.id ?? '',
      firstDay: st?.firstLabelled ?? null,
      severe: st?.severe ?? false,
      days: st?.labelledDays ?? [],
    }));
  truth.write(`\n],\n"labelled": ${JSON.stringify(labelled)},\n"clauses": ${JSON.stringify(clauses)},\n`);
  truth.write(`"severity": ${JSON.stringify(SEVERITY)},\n`);
  const totalsOut = {
    outboundCalls: totals.outbound,
    storedOutboundCalls: totals.outbound - totals.corrupted,
    inboundCalls: totals.inbound,
    reports: totals.reports,
    corrupted: totals.corrupted,
    callsWithBreaks: totals.callsWithBreaks,
    breaksByRule: sortKeys(totals.byRule),
    labelledNumbers: labelled.length,
    clauses: clauses.length,
    byProvider: totals.byProvider.map((p) => ({ ...p, byRule: sortKeys(p.byRule) })),
  };
  truth.write(`"totals": ${JSON.stringify(totalsOut, null, 1)}\n}\n`);
  await truth.close();
  const organisationFile = writeOrganisationFile(config, out);
  const serviceFolders = await writeInboundService(config, out, root.fork('inbound-service'));
  const auditsFile = writeMysteryCalls(config, out, root.fork('mystery'));
  return {
    out,
    seed: config.seed,
    start: config.start,
    days: config.days,
    outboundCalls: totals.outbound,
    inboundCalls: totals.inbound,
    reports: totals.reports,
    corrupted: totals.corrupted,
    callsWithBreaks: totals.callsWithBreaks,
    breaksByRule: sortKeys(totals.byRule),
    labelledNumbers: labelled.length,
    exportFolders: [...new Set([...folders.values()].map((f) => f.dir))].concat(
      world.providers.map((p) => join(out, 'exports', p.id, 'inbound')),
      serviceFolders,
    ),
    registryDir,
    reportsDir: join(out, 'reports'),
    truthPath: join(out, 'truth.json'),
    organisationFile,
    auditsFile,
  };
}

function sortKeys(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}

async function appendFile(target: OutFile, path: string): Promise<void> {
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const p = target.write(chunk as string);
    if (p) await p;
  }
}

function countryCode(e164: string, territory: number): string {
  const t = TERRITORIES[territory] ?? 'metropole';
  if (t === 'metropole') return '33';
  return e164.slice(1, 4);
}

function callId(
  format: ExportFormat,
  site: string,
  provider: number,
  seq: number,
  t: number,
  rng: Random,
  compact: string,
): string {
  switch (format) {
    case 'canonical':
    case 'canonical-excel':
      return `${site.slice(0, 3).toUpperCase()}-${compact}-${String(seq).padStart(7, '0')}`;
    case 'asterisk':
    case 'vicidial':
      return `${Math.floor(t)}.${seq * 2}`;
    case 'freeswitch': {
      const h = `${(provider * 0x1000000 + seq).toString(16).padStart(12, '0')}${rng.hex(20)}`;
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
    }
    case 'twilio':
      return `CA${seq.toString(16).padStart(10, '0')}${rng.hex(22)}`;
  }
}

function folderKey(caller: CallerId, campaign: Campaign, world: World): string {
  const provider = world.providers[caller.provider];
  const site = provider?.sites[caller.site];
  if (provider === undefined || site === undefined) return '';
  const carried = carries(site.format);
  const suffix = carried.client
    ? ''
    : carried.campaign
      ? `-${world.clients[campaign.client]?.id ?? ''}`
      : `-${campaign.id.toLowerCase()}`;
  return `${provider.id}/${site.id}${suffix}`;
}

function openFolders(world: World, out: string): Map<string, Folder> {
  const folders = new Map<string, Folder>();
  const sources = new Map<string, Record<string, unknown>>();
  for (const caller of world.callerIds) {
    const provider = world.providers[caller.provider];
    const site = provider?.sites[caller.site];
    if (provider === undefined || site === undefined) continue;
    for (const k of caller.campaigns) {
      const campaign = world.campaigns[k];
      if (campaign === undefined) continue;
      const key = folderKey(caller, campaign, world);
      const carried = carries(site.format);
      let source = sources.get(key);
      if (source === undefined) {
        source = {
          provider: provider.id,
          site: site.id,
          format: ingestFormat(site.format),
          timezone: site.timezone,
        };
        if (!carried.client) source.client = world.clients[campaign.client]?.id ?? '';
        if (!carried.campaign) source.campaign = campaign.id;
        sources.set(key, source);
        folders.set(key, {
          dir: join(out, 'exports', key),
          rel: `exports/${key}`,
          format: site.format,
          zone: site.timezone,
          file: undefined,
          fileRel: '',
          sequence: 1,
        });
      }
      if (site.format === 'vicidial') {
        const callers = (source.callers ?? {}) as Record<string, string>;
        callers[campaign.id] = caller.e164;
        source.callers = callers;
      }
    }
  }
  for (const [key, source] of sources) {
    const dir = join(out, 'exports', key);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'vigie-source.json'), `${JSON.stringify(source, null, 2)}\n`);
  }
  for (const provider of world.providers) {
    const dir = join(out, 'exports', provider.id, 'inbound');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'vigie-source.json'),
      `${JSON.stringify({ provider: provider.id, format: 'canonical', timezone: 'Europe/Paris' }, null, 2)}\n`,
    );
  }
  return folders;
}

function folderFor(folders: Map<string, Folder>, world: World, caller: CallerId, campaign: Campaign): Folder {
  const folder = folders.get(folderKey(caller, campaign, world));
  if (folder === undefined)
    throw new Error(`simulator: no export folder for ${caller.e164} / ${campaign.id}`);
  return folder;
}

async function folderFile(folder: Folder, day: string): Promise<OutFile> {
  if (folder.file !== undefined) return folder.file;
  const name = fileName(folder.format, day);
  const file = new OutFile(join(folder.dir, name), encodingOf(folder.format));
  const head = header(folder.format);
  if (head !== undefined) {
    file.write(`${head}${newline(folder.format)}`);
    file.lines = 1;
  }
  folder.file = file;
  folder.fileRel = `${folder.rel}/${name}`;
  return file;
}

function describeProviders(world: World, folders: Map<string, Folder>) {
  return world.providers.map((p: Provider) => ({
    id: p.id,
    name: p.name,
    profile: p.profileId,
    description: p.profile.description,
    sites: p.sites,
    folders: [...folders.values()].filter((f) => f.rel.startsWith(`exports/${p.id}/`)).map((f) => f.rel),
    callerIds: p.callerIds.map((k) => world.callerIds[k]?.e164 ?? ''),
  }));
}

function describeCaller(world: World, c: CallerId) {
  return {
    number: c.e164,
    kind: c.kind,
    provider: world.providers[c.provider]?.id ?? '',
    site: world.providers[c.provider]?.sites[c.site]?.id ?? '',
    campaigns: c.campaigns.map((k) => world.campaigns[k]?.id ?? ''),
    clients: [...new Set(c.campaigns.map((k) => world.clients[world.campaigns[k]?.client ?? 0]?.id ?? ''))],
    assigned: c.assigned.map((k) => world.campaigns[k]?.id ?? ''),
    dedicated: c.dedicated,
    spare: c.spare,
    healthyAnswerRate: Math.round(c.baseAnswer * 1000) / 1000,
  };
}

/** Plans one day's attempts: who dials whom, when (not yet in time order). */
function planDay(world: World, states: CallerState[], day: string, dayStart: number, rng: Random): DayPlan {
  const plan = new DayPlan();
  const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
  const holiday = isHoliday(day);
  const C = world.clients.length;
  for (const st of states) {
    st.attempts = 0;
    st.recorded = 0;
    st.answered = 0;
    st.short = 0;
    st.reports = 0;
    st.callbacks = 0;
    st.clientsToday.clear();
    st.campaignsToday.clear();
    st.planned = 0;
  }
  for (const provider of world.providers) {
    const profile = provider.profile;
    if (weekday === 0) continue;
    if (holiday && !profile.callsOnHolidays) continue;
    const factor = weekday === 6 ? profile.saturdayVolume : 1;
    if (factor <= 0) continue;
    const today = new Map<number, number>();
    for (const k of provider.callerIds) {
      const st = states[k];
      const caller = world.callerIds[k];
      if (st === undefined || caller === undefined) continue;
      if (!st.active) continue;
      const [min, max] = profile.attemptsPerNumberPerDay;
      const attempts = Math.round(rng.int(min, max) * factor);
      st.planned = attempts;
      let remaining = attempts;
      const called: number[] = [];
      const carry = st.previous;
      let carryIndex = 0;
      const carryTarget = Math.floor(carry.length * profile.carryOverShare);
      while (remaining > 0) {
        const campaignIndex =
          caller.campaigns[caller.campaigns.length > 1 ? rng.int(0, caller.campaigns.length - 1) : 0] ?? 0;
        const campaign = world.campaigns[campaignIndex];
        if (campaign === undefined) break;
        let callee: number;
        if (carryIndex < carryTarget) {
          callee = carry[rng.int(0, carry.length - 1)] ?? 0;
          carryIndex++;
        } else {
          callee = pickCallee(world, profile, campaign, dayStart, today, rng);
        }
        const dials = Math.min(
          remaining,
          rng.int(profile.dialsPerCalleePerDay[0], profile.dialsPerCalleePerDay[1]),
        );
        remaining -= dials;
        called.push(callee);
        const key = callee * C + campaign.client;
        today.set(key, (today.get(key) ?? 0) + dials);
        for (let r = 0; r < dials; r++) {
          plan.push(drawTime(world, profile, day, dayStart, callee, rng), k, callee, campaignIndex);
        }
      }
      st.previous = Int32Array.from(called);
    }
  }
  return plan;
}

function pickCallee(
  world: World,
  profile: ProfileConfig,
  campaign: Campaign,
  dayStart: number,
  today: Map<number, number>,
  rng: Random,
): number {
  const pop = world.population;
  const C = world.clients.length;
  const c = campaign.client;
  const prospecting = campaign.purpose === 'prospecting';
  let callee = 0;
  for (let tries = 0; tries < 25; tries++) {
    const customers = pop.customers[c];
    const eligible = pop.eligible[c];
    if (!prospecting && customers !== undefined && customers.length > 0)
      callee = customers[rng.int(0, customers.length - 1)] ?? 0;
    else if (eligible !== undefined && eligible.length > 0 && rng.chance(profile.consentedShare))
      callee = eligible[rng.int(0, eligible.length - 1)] ?? 0;
    else callee = rng.int(0, pop.size - 1);
    const j = callee * C + c;
    if (profile.respectsRefusals && (pop.refusalAt[j] ?? 0) !== 0) continue;
    if (profile.respectsDnc && (pop.dncAt[callee] ?? 0) !== 0) continue;
    if (prospecting && profile.respectsFrequency) {
      if (attemptsSince(pop, C, callee, c, dayStart - 30 * DAY) + (today.get(j) ?? 0) >= 4) continue;
    }
    if (prospecting && profile.consentedShare >= 1) {
      const end = dayStart + DAY;
      const covered =
        isCustomer(pop, C, callee, c, end) ||
        consentStatus(pop, C, callee, c, campaign.index, end) === 'valid';
      if (!covered) continue;
      if (
        end <= world.consentRegimeStart &&
        (pop.bloctel[callee] ?? 0) === 1 &&
        !isCustomer(pop, C, callee, c, end)
      )
        continue;
    }
    return callee;
  }
  return callee;
}

function drawTime(
  world: World,
  profile: ProfileConfig,
  day: string,
  dayStart: number,
  callee: number,
  rng: Random,
): number {
  if (rng.chance(profile.outOfHoursShare)) return dayStart + outOfHoursSecond(rng);
  const territory = TERRITORIES[world.population.territory[callee] ?? 0] ?? 'metropole';
  if (profile.respectsCalleeTimeZone && territory !== 'metropole') {
    const zone = TERRITORY_ZONES[territory];
    const localMidnight = Date.parse(`${day}T00:00:00Z`) / 1000;
    for (let tries = 0; tries < 30; tries++) {
      const t = fromLocal(zone, localMidnight + legalSecond(rng));
      const paris = t - dayStart;
      if (paris >= SITE_OPEN && paris < SITE_CLOSE) return t;
    }
  }
  return dayStart + legalSecond(rng);
}

function endOfDay(
  world: World,
  states: CallerState[],
  caller: CallerId,
  st: CallerState,
  rng: Random,
  day: string,
): void {
  const rep = world.config.reputation;
  st.history.push({ attempts: st.attempts, reports: st.reports });
  if (st.history.length > 7) st.history.shift();
  const attempts7 = st.history.reduce((s, h) => s + h.attempts, 0);
  const reports7 = st.history.reduce((s, h) => s + h.reports, 0);
  const rate7 = attempts7 > 0 ? reports7 / attempts7 : 0;
  if (st.attempts === 0) {
    if (st.labelled) {
      st.restDays++;
      st.strength = st.strengthAtRest * Math.max(0, 1 - st.restDays / Math.max(1, st.recoveryDays));
      if (st.restDays >= st.recoveryDays) {
        st.labelled = false;
        st.strength = 0;
      }
    }
    return;
  }
  if (st.labelled) {
    st.restDays = 0;
    st.strength = Math.min(1, st.strength + rep.labelDailySpread);
    st.strengthAtRest = st.strength;
    if (rate7 >= rep.severeThreshold) st.severe = true;
    return;
  }
  if (attempts7 >= rep.minAttemptsToLabel && rate7 >= rep.labelThreshold) {
    st.labelled = true;
    st.severe = rate7 >= rep.severeThreshold;
    st.strength = rep.labelInitialStrength;
    st.strengthAtRest = st.strength;
    st.restDays = 0;
    const range = st.severe ? rep.severeRecoveryDays : rep.lightRecoveryDays;
    st.recoveryDays = rng.int(range[0], range[1]);
    st.firstLabelled = addDays(day, 1);
    const profile = world.providers[caller.provider]?.profile;
    if (profile?.restsLabelledNumbers) {
      st.active = false;
      const spare = world.callerIds.find(
        (c) =>
          c.twinOf === caller.index &&
          states[c.index]?.active === false &&
          states[c.index]?.labelled === false,
      );
      const spareState = spare ? states[spare.index] : undefined;
      if (spare && spareState) {
        spareState.active = true;
        spare.campaigns = [...caller.campaigns];
      }
    }
  }
}
