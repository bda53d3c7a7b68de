import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  type ConfigIssue,
  loadOrganisation,
  parseOrganisation,
} from '../../src/config/organisation.ts';
import { eurosToCents } from '../../src/config/organisation-schema.ts';

const dir = mkdtempSync(join(tmpdir(), 'vigie-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const GOOD = `clients:
  - id: enerlux
    name: Enerlux Énergie
providers:
  - id: hexacall
    sites:
      - id: lille
        city: Lille
        country: FR
        location: onshore
      - id: port-louis
        city: Port-Louis
        country: MU
        location: offshore
        transfer: { basis: scc, signed: 2025-03-01, dpia: true }
    contract:
      daily_cap: 120
      dedicated_numbers: true
      reporting_day: monday
      thresholds: { report_rate_critical: 0.04 }
      inbound: { answered_share: 0.8, within_seconds: 20, max_abandonment: 0.05, per: hour }
      penalties:
        clause.daily_cap: 50
        violation: "75,50"
        burnt_number: 500
        monthly_cap: { total: 10000 }
  - id: atlas
    sites:
      - id: casablanca
        city: Casablanca
        country: MA
        location: offshore
campaigns:
  - { id: ENX, client: enerlux, provider: hexacall, direction: outbound }
assignments:
  - { caller_id: "01 62 00 00 01", client: enerlux, provider: hexacall, campaign: ENX, from: 2026-01-01, dedicated: true }
`;

function issuesOf(text: string, file = 'vigie.config.yaml'): ConfigIssue[] {
  try {
    parseOrganisation(text, file, dir);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.issues];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('organisation file', () => {
  it('reads a valid file: contracts in cents, inbound level, transfer flags', () => {
    const org = parseOrganisation(GOOD, 'vigie.config.yaml', dir);
    const hexacall = org.providers.find((p) => p.id === 'hexacall');
    expect(hexacall?.contract.dailyCap).toBe(120);
    expect(hexacall?.contract.penalties.amounts).toEqual({
      'clause.daily_cap': 5000,
      violation: 7550,
      burnt_number: 50000,
    });
    expect(hexacall?.contract.penalties.monthlyCap).toEqual({ total: 1_000_000 });
    expect(hexacall?.contract.inbound).toMatchObject({
      answeredShare: 0.8,
      withinSeconds: 20,
      abandonAfterSeconds: 20,
    });
    expect(hexacall?.contract.thresholds).toEqual({ reportRateCritical: 0.04 });
    expect(org.assignments[0]).toMatchObject({
      callerId: '+33162000001',
      dedicated: true,
      line: GOOD.split('\n').findIndex((l) => l.includes('caller_id')) + 1,
    });
    // Casablanca is offshore with no transfer basis: flagged; Port-Louis has signed SCCs and a DPIA.
    expect(org.transferFlags).toEqual([
      { provider: 'atlas', site: 'casablanca', country: 'MA', reason: 'no_basis' },
    ]);
  });

  it('reads the same organisation written as JSON, with lines', () => {
    const json = JSON.stringify(
      {
        clients: [{ id: 'c' }],
        providers: [
          { id: 'p', sites: [{ id: 's', city: 'X', country: 'FR', location: 'onshore', colour: 1 }] },
        ],
      },
      null,
      2,
    );
    const [issue] = issuesOf(json, 'vigie.config.json');
    expect(issue).toMatchObject({ file: 'vigie.config.json', key: 'providers[0].sites[0].colour' });
    expect(json.split('\n')[(issue?.line ?? 0) - 1]).toContain('"colour"');
  });

  it.each([
    [
      'unknown key',
      GOOD.replace('      daily_cap: 120', '      daily_kap: 120'),
      'daily_kap',
      'providers[0].contract.daily_kap',
      /unknown key/,
    ],
    [
      'wrong type',
      GOOD.replace('daily_cap: 120', 'daily_cap: "beaucoup"'),
      'beaucoup',
      'providers[0].contract.daily_cap',
      /number/,
    ],
    [
      'bad enum',
      GOOD.replace('location: onshore', 'location: inland'),
      'inland',
      'providers[0].sites[0].location',
      /onshore|offshore/,
    ],
    [
      'bad amount',
      GOOD.replace('burnt_number: 500', 'burnt_number: 12.345'),
      '12.345',
      'providers[0].contract.penalties.burnt_number',
      /2 decimals/,
    ],
    [
      'unknown provider in an assignment',
      GOOD.replace(
        'client: enerlux, provider: hexacall, campaign: ENX, from',
        'client: enerlux, provider: hexakall, campaign: ENX, from',
      ),
      'hexakall',
      'assignments[0].provider',
      /unknown provider "hexakall"/,
    ],
    [
      'unknown client in a campaign',
      GOOD.replace('{ id: ENX, client: enerlux', '{ id: ENX, client: enerlix'),
      'enerlix',
      'campaigns[0].client',
      /unknown client/,
    ],
    [
      'overlapping assignments',
      `${GOOD}  - { caller_id: "+33162000001", client: enerlux, provider: hexacall, campaign: ENX, from: 2026-03-01, to: 2026-04-01 }\n`,
      '2026-03-01, to',
      'assignments (caller_id +33162000001)',
      /overlaps the assignment at vigie.config.yaml:36/,
    ],
    [
      'a dedicated number given to two providers',
      `${GOOD}  - { caller_id: "+33162000001", client: enerlux, provider: atlas, from: 2026-06-01 }\n`,
      'provider: atlas',
      'assignments (caller_id +33162000001)',
      /dedicated number given to two providers/,
    ],
    [
      'SCCs without a date',
      GOOD.replace('signed: 2025-03-01, ', ''),
      'basis: scc',
      'providers[0].sites[1].transfer.signed',
      /signature/,
    ],
    [
      'a duplicate key',
      GOOD.replace('        city: Lille', '        city: Lille\n        city: Lyon'),
      'Lyon',
      '(syntaxe)',
      /unique/,
    ],
  ])('%s: names the file, line and key', (_name, text, needle, key, message) => {
    const issues = issuesOf(text);
    const line = text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    expect(line).toBeGreaterThan(0);
    expect(issues[0]).toMatchObject({ file: 'vigie.config.yaml', line, key });
    expect(issues[0]?.message).toMatch(message);
  });

  it('reports every mistake at once', () => {
    const text = GOOD.replace('daily_cap: 120', 'daily_cap: -1').replace('location: onshore', 'location: x');
    expect(issuesOf(text).map((i) => i.key)).toEqual([
      'providers[0].sites[0].location',
      'providers[0].contract.daily_cap',
    ]);
  });

  it('reads assignments.csv through the registry parser; its mistakes name the CSV file and line', () => {
    writeFileSync(
      join(dir, 'assignments.csv'),
      'caller_id,client,provider,campaign,valid_from,valid_to,dedicated\n0162000002,enerlux,hexacall,ENX,2026-01-01,,true\n0162000003,enerlux,nobody,ENX,2026-01-01,,true\n',
    );
    const path = join(dir, 'vigie.config.yaml');
    writeFileSync(path, `${GOOD}assignments_file: assignments.csv\n`);
    expect(() => loadOrganisation(path)).toThrow(ConfigError);
    try {
      loadOrganisation(path);
    } catch (error) {
      expect((error as ConfigError).issues).toEqual([
        {
          file: 'assignments.csv',
          line: 3,
          key: 'provider',
          message: 'unknown provider "nobody" / prestataire inconnu',
        },
      ]);
      expect((error as Error).message).toContain('assignments.csv:3: provider: unknown provider');
    }
  });

  it.each([
    [1250, 125000],
    ['1 250,00', 125000],
    ['0.5', 50],
    [0.1, 10],
    ['12,345', undefined],
    ['-3', undefined],
  ])('euros %s → %s cents', (value, cents) => {
    expect(eurosToCents(value)).toBe(cents);
  });
});
