import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { addDays, isoUtc, parisMidnight } from './calendar.ts';
import type { ProfileId, SimulatorConfig } from './config.ts';
import { OutFile } from './out-file.ts';
import type { Random } from './random.ts';

/**
 * What the simulator adds for the provider scorecards: the organisation file with each provider's
 * contract, inbound customer-service traffic (one well-staffed site, one understaffed at peak hours)
 * and mystery calls. Each draws from its own fork of the seed, so the outbound calls are unchanged.
 */

/** Inbound service lines: the provider, its site, the client's campaign, and how it is staffed. */
export const INBOUND_LINES = [
  {
    provider: 'hexacall',
    site: 'lille',
    client: 'enerlux',
    campaign: 'ENX-ACCUEIL',
    understaffedAtPeak: false,
  },
  {
    provider: 'atlas-relation',
    site: 'casablanca',
    client: 'assurplus',
    campaign: 'ASP-ACCUEIL',
    understaffedAtPeak: true,
  },
] as const;

/** Paris hours with the most inbound calls: mid-morning and early afternoon. */
export const PEAK_HOURS: readonly number[] = [10, 11, 14, 15];

const TRANSFERS: Readonly<Record<string, object | undefined>> = {
  'port-louis': { basis: 'scc', signed: '2025-02-03', dpia: true },
  casablanca: { basis: 'scc', signed: '2024-06-12', dpia: true },
  tunis: { basis: 'scc', signed: '2024-09-30', dpia: true },
  dakar: { basis: 'scc', signed: '2025-01-15', dpia: true },
  // antananarivo: none — the flagged site.
};

const MYSTERY_SCORES: Readonly<Record<ProfileId, readonly [number, number]>> = {
  virtuous: [0.85, 0.98],
  volume_pusher: [0.55, 0.75],
  pooler: [0.65, 0.8],
  careless: [0.35, 0.6],
};

/** The organisation file of the simulated world: clients, providers and sites, campaigns, contracts. */
export function writeOrganisationFile(config: SimulatorConfig, out: string): string {
  const inboundOf = (provider: string) => INBOUND_LINES.filter((l) => l.provider === provider);
  const organisation = {
    version: 1,
    clients: config.clients.map((c) => ({ id: c.id, name: c.name })),
    providers: config.providers.map((p) => {
      const dedicated = p.profile === 'virtuous' || p.profile === 'pooler';
      return {
        id: p.id,
        name: p.name,
        sites: p.sites.map((s) => ({
          id: s.id,
          city: s.city,
          country: s.country,
          location: s.country === 'FR' ? 'onshore' : 'offshore',
          timezone: s.timezone,
          ...(s.country !== 'FR' && TRANSFERS[s.id] !== undefined ? { transfer: TRANSFERS[s.id] } : {}),
        })),
        contract: {
          daily_cap: config.dailyCap,
          dedicated_numbers: dedicated,
          reporting_day: 'monday',
          ...(inboundOf(p.id).length > 0
            ? { inbound: { answered_share: 0.8, within_seconds: 20, max_abandonment: 0.05, per: 'hour' } }
            : {}),
          penalties: {
            'clause.daily_cap': 50,
            'clause.dedicated': 200,
            'clause.reporting': 1000,
            violation: 75,
            burnt_number: 500,
            service_level: 150,
            monthly_cap: { total: 100000 },
          },
        },
      };
    }),
    campaigns: [
      ...config.providers.flatMap((p) =>
        p.campaigns.map((c) => ({
          id: c.id,
          client: c.client,
          provider: p.id,
          purpose: c.purpose,
          sector: c.sector,
          dialer: c.dialer,
          direction: 'outbound',
        })),
      ),
      ...INBOUND_LINES.map((l) => ({
        id: l.campaign,
        client: l.client,
        provider: l.provider,
        purpose: 'service',
        direction: 'inbound',
      })),
    ],
    assignments_file: 'registry/assignments.csv',
  };
  const path = join(out, 'vigie.config.yaml');
  writeFileSync(
    path,
    `# Organisation simulée par vigie simulate (seed ${config.seed}) : clients, prestataires, contrats.\n${stringify(organisation)}`,
  );
  return path;
}

const INBOUND_HEADER =
  'call_id,started_at,caller,callee,direction,outcome,ring_seconds,talk_seconds,provider,site,client,campaign';

/**
 * Customer-service calls to each inbound line, Monday to Friday 9:00–19:00 Paris, more at peak hours.
 * A caller waits (`ring_seconds`) until answered or until their patience runs out: the understaffed site
 * makes them wait about 45 s at peak (its agents are on outbound campaigns), 3 s otherwise.
 */
export async function writeInboundService(
  config: SimulatorConfig,
  out: string,
  rng: Random,
): Promise<string[]> {
  const folders: string[] = [];
  const perHour = Math.max(4, Math.round(config.calls / config.days / 400));
  for (const line of INBOUND_LINES) {
    if (!config.providers.some((p) => p.id === line.provider)) continue;
    const dir = join(out, 'exports', line.provider, 'accueil');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'vigie-source.json'),
      `${JSON.stringify({ provider: line.provider, site: line.site, format: 'canonical', timezone: 'Europe/Paris' }, null, 2)}\n`,
    );
    folders.push(dir);
    const r = rng.fork(line.provider);
    const hotline = line.client === 'enerlux' ? '+33970000001' : '+33970000002';
    let n = 0;
    for (let d = 0; d < config.days; d++) {
      const day = addDays(config.start, d);
      const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
      if (weekday === 0 || weekday === 6) continue;
      const file = new OutFile(join(dir, `accueil-${day.replaceAll('-', '')}.csv`));
      file.write(`${INBOUND_HEADER}\n`);
      const midnight = parisMidnight(day);
      for (let hour = 9; hour < 19; hour++) {
        const peak = PEAK_HOURS.includes(hour);
        const calls = Math.round(perHour * (peak ? 2 : 1) * r.between(0.8, 1.2));
        const meanWait = line.understaffedAtPeak && peak ? 45 : 3;
        for (let k = 0; k < calls; k++) {
          n++;
          const t = midnight + hour * 3600 + Math.floor(r.between(0, 3600));
          const wait = r.exponential(meanWait);
          const patience = 20 + r.exponential(40);
          const answered = wait <= patience;
          const ring = Math.max(1, Math.round(answered ? wait : patience));
          const talk = answered ? Math.round(r.logNormal(180, 0.6)) : 0;
          // 061…: a mobile block numbering plans accept (06 9x is partly unallocated, refused by ingest).
          const caller = `+3361${String(Math.floor(r.between(0, 9_999_999))).padStart(7, '0')}`;
          const p = file.write(
            `IN-${line.campaign}-${day.replaceAll('-', '')}-${n},${isoUtc(t)},${caller},${hotline},inbound,${answered ? 'answered' : 'no_answer'},${ring},${talk},${line.provider},${line.site},${line.client},${line.campaign}\n`,
          );
          if (p) await p;
        }
      }
      await file.close();
    }
  }
  return folders;
}

/** Three mystery calls a week per provider site, scored on a grid, with pass/fail items; `;` as Excel writes it. */
export function writeMysteryCalls(config: SimulatorConfig, out: string, rng: Random): string {
  const dir = join(out, 'audits');
  mkdirSync(dir, { recursive: true });
  const criteria = ['accueil', 'presentation', 'argumentaire', 'conclusion'];
  const items = ['mention_enregistrement', 'droit_opposition', 'identite_donneur_ordre', 'horaires_legaux'];
  const rows = [
    [
      'date',
      'provider',
      'site',
      'campaign',
      'kind',
      ...criteria.map((c) => `score:${c}`),
      ...items.map((i) => `item:${i}`),
      'comment',
    ].join(';'),
  ];
  for (const p of config.providers) {
    const r = rng.fork(p.id);
    const [lo, hi] = MYSTERY_SCORES[p.profile];
    for (const site of p.sites) {
      for (let d = 0; d < config.days; d++) {
        const day = addDays(config.start, d);
        const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
        if (weekday !== 2 && weekday !== 3 && weekday !== 4) continue;
        const quality = r.between(lo, hi);
        const scores = criteria.map(
          () => `${Math.min(5, Math.max(0, Math.round(quality * 5 + r.between(-0.6, 0.6))))}/5`,
        );
        const results = items.map(() => (r.chance(quality) ? 'pass' : 'fail'));
        const campaign = p.campaigns[Math.floor(r.between(0, p.campaigns.length))]?.id ?? '';
        rows.push(
          [
            day.split('-').reverse().join('/'),
            p.id,
            site.id,
            campaign,
            'mystery',
            ...scores,
            ...results,
            quality < 0.6 ? 'discours non conforme' : '',
          ].join(';'),
        );
      }
    }
  }
  const path = join(dir, 'appels-mystere.csv');
  writeFileSync(path, `\uFEFF${rows.join('\r\n')}\r\n`);
  return path;
}
