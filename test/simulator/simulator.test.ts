import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../src/ingest/calls.ts';
import { planIngest } from '../../src/ingest/paths.ts';
import { simulate } from '../../src/simulator/index.ts';
import { openStore, type Store } from '../../src/store/store.ts';

interface CallerDay {
  day: string;
  number: string;
  profile: string;
  attempts: number;
  answered: number;
  strength: number;
  resting: boolean;
}
interface Violation {
  provider: string;
  call_id: string;
  rules: string[];
}
interface Truth {
  violations: Violation[];
  callerDays: CallerDay[];
  corrupted: { file: string; line: number; kind: string; call_id: string }[];
  labelled: { number: string; firstDay: string | null; days: string[] }[];
  totals: {
    byProvider: { provider: string; profile: string; attempts: number; outOfHours: number }[];
    corrupted: number;
  };
}

const root = mkdtempSync(join(tmpdir(), 'vigie-sim-test-'));
const dirA = join(root, 'a');
const dirB = join(root, 'b');
const dirC = join(root, 'c');
let truth: Truth;

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

beforeAll(async () => {
  const options = { seed: 'test-1', calls: 30_000, days: 28, start: '2026-10-19' };
  await simulate({ ...options, out: dirA });
  await simulate({ ...options, out: dirB });
  await simulate({ ...options, seed: 'test-2', days: 3, out: dirC });
  truth = JSON.parse(readFileSync(join(dirA, 'truth.json'), 'utf8')) as Truth;
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('determinism', () => {
  it('writes byte-identical outputs for the same seed', () => {
    const files = listFiles(dirA);
    expect(files.length).toBeGreaterThan(100);
    expect(listFiles(dirB)).toEqual(files);
    for (const f of files)
      expect(readFileSync(join(dirB, f)).equals(readFileSync(join(dirA, f))), f).toBe(true);
  });

  it('writes different data for another seed', () => {
    const a = readFileSync(join(dirA, 'exports/hexacall/lille/appels-20261019.csv'));
    const c = readFileSync(join(dirC, 'exports/hexacall/lille/appels-20261019.csv'));
    expect(a.equals(c)).toBe(false);
  });
});

describe('statistical properties of a simulated month', () => {
  const rate = (days: CallerDay[]) =>
    days.reduce((s, d) => s + d.answered, 0) /
    Math.max(
      1,
      days.reduce((s, d) => s + d.attempts, 0),
    );

  it('answers 25–35 % of healthy attempts and 10–15 % of fully labelled ones', () => {
    const healthy = truth.callerDays.filter((d) => d.strength === 0 && d.attempts >= 50);
    const labelled = truth.callerDays.filter((d) => d.strength >= 1 && d.attempts >= 50);
    expect(healthy.length).toBeGreaterThan(50);
    expect(labelled.length).toBeGreaterThan(10);
    expect(rate(healthy)).toBeGreaterThanOrEqual(0.25);
    expect(rate(healthy)).toBeLessThanOrEqual(0.35);
    expect(rate(labelled)).toBeGreaterThanOrEqual(0.1);
    expect(rate(labelled)).toBeLessThanOrEqual(0.15);
  });

  it('keeps each profile in its attempts-per-number-per-day band', () => {
    const weekday = (d: string) =>
      ![0, 6].includes(new Date(`${d}T12:00:00Z`).getUTCDay()) && d !== '2026-11-11';
    const active = (profile: string) =>
      truth.callerDays.filter((d) => d.profile === profile && d.attempts > 0 && weekday(d.day));
    for (const d of active('virtuous')) expect(d.attempts, `${d.number} ${d.day}`).toBeGreaterThanOrEqual(58);
    for (const d of active('virtuous')) expect(d.attempts).toBeLessThanOrEqual(80);
    for (const d of active('volume_pusher')) expect(d.attempts).toBeGreaterThanOrEqual(148);
    for (const d of active('volume_pusher')) expect(d.attempts).toBeLessThanOrEqual(250);
    expect(active('virtuous').length).toBeGreaterThan(20);
  });

  it('calls out of hours only when the profile does', () => {
    const share = (profile: string) => {
      const p = truth.totals.byProvider.find((x) => x.profile === profile);
      return p ? p.outOfHours / p.attempts : Number.NaN;
    };
    expect(share('virtuous')).toBe(0);
    expect(share('volume_pusher')).toBeLessThan(0.06);
    expect(share('careless')).toBeGreaterThan(0.25);
  });

  it('loses at least 30 % of reach once a number is labelled, and virtuous numbers stay clean', () => {
    let checked = 0;
    for (const label of truth.labelled) {
      if (label.firstDay === null) continue;
      const first = label.firstDay;
      const mine = truth.callerDays.filter((d) => d.number === label.number);
      const before = mine.filter((d) => d.day < first && d.attempts > 0);
      const after = mine.filter((d) => d.strength >= 1 && d.attempts > 0);
      if (before.length === 0 || after.length === 0) continue;
      expect(rate(after), label.number).toBeLessThan(rate(before) * 0.7);
      checked++;
    }
    expect(checked).toBeGreaterThan(2);
    const virtuousLabelled = truth.callerDays.filter(
      (d) => d.profile === 'virtuous' && d.strength > 0 && !d.resting,
    );
    expect(virtuousLabelled).toEqual([]);
  });
});

/** The written exports, read back through the normal ingest path (an independent reader of every format). */
async function ingestAll(dir: string): Promise<{ store: Store; quarantined: number }> {
  const store = await openStore({ path: ':memory:' });
  let quarantined = 0;
  for (const item of planIngest([join(dir, 'exports')], {})) {
    quarantined += (await ingestFile(store, item.path, item.options)).quarantined;
  }
  return { store, quarantined };
}

function readCsv(path: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const names = (head ?? '').split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i] ?? '', v])));
}

const zoneOf = (n: string) =>
  n.startsWith('+590')
    ? 'America/Guadeloupe'
    : n.startsWith('+596')
      ? 'America/Martinique'
      : n.startsWith('+594')
        ? 'America/Cayenne'
        : n.startsWith('+262269') || n.startsWith('+262639')
          ? 'Indian/Mayotte'
          : n.startsWith('+262')
            ? 'Indian/Reunion'
            : 'Europe/Paris';

function local(zone: string, at: Date): { date: string; weekday: string; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    weekday: 'short',
  }).formatToParts(at);
  const g = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return {
    date: `${g('year')}-${g('month')}-${g('day')}`,
    weekday: g('weekday'),
    minutes: Number(g('hour')) * 60 + Number(g('minute')) + Number(g('second')) / 60,
  };
}

describe('round trip and truth', () => {
  let store: Store;
  let quarantined = 0;
  beforeAll(async () => {
    ({ store, quarantined } = await ingestAll(dirA));
  });
  afterAll(() => store.close());

  it('ingests everything except the deliberately corrupted rows, which are all quarantined', async () => {
    expect(truth.corrupted.length).toBeGreaterThan(3);
    expect(quarantined).toBe(truth.corrupted.length);
    const rows = await store.all<{ path: string; n: number }>(
      'SELECT f.path, count(*)::INTEGER AS n FROM quarantine q JOIN source_files f ON f.id = q.source_file_id GROUP BY 1',
    );
    const perFile = new Map<string, number>();
    for (const c of truth.corrupted)
      perFile.set(join(dirA, c.file), (perFile.get(join(dirA, c.file)) ?? 0) + 1);
    expect(new Map(rows.map((r) => [r.path, r.n]))).toEqual(perFile);
  });

  // At seed 5 (7 days, 20,000 calls) src/ingest gave other lines for Asterisk and Twilio files (merged legs).
  it('quarantines each corrupted row at the file and line truth.json gives', async () => {
    const rows = await store.all<{ path: string; line: bigint }>(
      'SELECT f.path, q.line FROM quarantine q JOIN source_files f ON f.id = q.source_file_id',
    );
    const got = rows.map((r) => `${r.path}:${Number(r.line)}`).sort();
    expect(got).toEqual(truth.corrupted.map((c) => `${join(dirA, c.file)}:${c.line}`).sort());
  });

  it('lists exactly the rule breaks that a recount from the written files finds', async () => {
    const calls = await store.all<{
      provider: string;
      call_id: string;
      started_at: Date;
      caller: string;
      callee: string;
      client: string;
      campaign: string;
      purpose: string;
      refused: boolean;
    }>(
      "SELECT provider, call_id, started_at, caller, callee, client, campaign, purpose, refused FROM calls WHERE direction = 'outbound' ORDER BY started_at, provider, call_id",
    );
    const registry = (name: string) => readCsv(join(dirA, 'registry', name));
    const professional = new Set(
      registry('contacts.csv')
        .filter((r) => r.type === 'professional')
        .map((r) => r.number),
    );
    const dnc = new Map(registry('dnc.csv').map((r) => [r.number, Date.parse(r.added_at ?? '')]));
    const consents = new Map<string, Record<string, string>[]>();
    for (const r of registry('consents.csv')) {
      const key = `${r.number}|${r.client}`;
      consents.set(key, [...(consents.get(key) ?? []), r]);
    }
    const customers = new Map(registry('customers.csv').map((r) => [`${r.number}|${r.client}`, r]));
    const sectors = new Map(registry('campaigns.csv').map((r) => [r.campaign, r.sector]));
    const refusals = new Map<string, number[]>();
    for (const r of registry('refusals.csv')) {
      const key = `${r.number}|${r.client}`;
      refusals.set(key, [...(refusals.get(key) ?? []), Date.parse(r.refused_at ?? '')]);
    }
    const history = new Map<string, number[]>();
    const expected = new Map<string, string[]>();
    const recount = new Map<string, string[]>();
    for (const v of truth.violations) expected.set(`${v.provider}|${v.call_id}`, [...v.rules].sort());
    const checked = [
      'hours.window',
      'hours.day',
      'hours.holiday',
      'frequency.30d',
      'refusal.recontact',
      'consent.missing',
      'consent.invalid',
      'sector.banned',
      'dnc.internal',
      'callerid.mobile',
      'callerid.not_npv',
    ];
    const holidays = new Set(['2026-11-01', '2026-11-11', '2026-12-25']);
    for (const call of calls) {
      const t = call.started_at.getTime();
      const rules: string[] = [];
      const key = `${call.callee}|${call.client}`;
      const prospecting = call.purpose === 'prospecting';
      if (prospecting && !professional.has(call.callee)) {
        const l = local(zoneOf(call.callee), call.started_at);
        const inWindow = (l.minutes >= 600 && l.minutes < 780) || (l.minutes >= 840 && l.minutes < 1200);
        if (!inWindow) rules.push('hours.window');
        if (l.weekday === 'Sat' || l.weekday === 'Sun') rules.push('hours.day');
        if (holidays.has(l.date)) rules.push('hours.holiday');
        const previous = (history.get(key) ?? []).filter((p) => p > t - 30 * 86_400_000);
        if (previous.length >= 4) rules.push('frequency.30d');
        if ((refusals.get(key) ?? []).some((r) => r < t)) rules.push('refusal.recontact');
        const customer = customers.get(key);
        const inContract =
          customer !== undefined && Date.parse(customer.contract_start ?? '') <= t && !customer.contract_end;
        if (!inContract) {
          const mine = (consents.get(key) ?? []).filter(
            (c) => Date.parse(c.granted_at ?? '') <= t && (c.scope === '*' || c.scope === call.campaign),
          );
          const valid = mine.some((c) => {
            const granted = new Date(c.granted_at ?? '');
            granted.setUTCFullYear(granted.getUTCFullYear() + 1);
            return (!c.revoked_at || Date.parse(c.revoked_at) > t) && granted.getTime() >= t;
          });
          if (mine.length === 0) rules.push('consent.missing');
          else if (!valid) rules.push('consent.invalid');
          if (
            ['energy_renovation', 'renewables', 'home_adaptation', 'cpf'].includes(
              sectors.get(call.campaign) ?? '',
            )
          ) {
            rules.push('sector.banned');
          }
        }
        history.set(key, [...previous, t]);
      } else if (prospecting) {
        history.set(key, [...(history.get(key) ?? []).filter((p) => p > t - 30 * 86_400_000), t]);
      }
      const listed = dnc.get(call.callee);
      if (listed !== undefined && listed <= t) rules.push('dnc.internal');
      if (/^\+33[67]/.test(call.caller)) rules.push('callerid.mobile');
      if (
        prospecting &&
        /^\+33[1-59]/.test(call.caller) &&
        !/^\+33(16[23]|27[01]|37[78]|42[45]|56[89]|94[89])/.test(call.caller)
      ) {
        rules.push('callerid.not_npv');
      }
      if (call.refused) refusals.set(key, [...(refusals.get(key) ?? []), t]);
      if (rules.length > 0) recount.set(`${call.provider}|${call.call_id}`, rules.sort());
    }
    const onlyChecked = (m: Map<string, string[]>) =>
      new Map(
        [...m]
          .map(([k, r]) => [k, r.filter((x) => checked.includes(x))] as const)
          .filter(([, r]) => r.length > 0),
      );
    const want = onlyChecked(expected);
    const got = onlyChecked(recount);
    const diff = [...new Set([...want.keys(), ...got.keys()])]
      .filter((k) => JSON.stringify(want.get(k)) !== JSON.stringify(got.get(k)))
      .slice(0, 5)
      .map((k) => ({ k, truth: want.get(k), recount: got.get(k) }));
    expect(diff).toEqual([]);
    expect(want.size).toBeGreaterThan(1000);
  });
});
