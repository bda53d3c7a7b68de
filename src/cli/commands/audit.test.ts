import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Environment } from '../../config/env.ts';
import type { Violation } from '../../law/evaluate.ts';
import type { CliContext } from '../context.ts';
import { runCli } from '../main.ts';
import { readCallsFile } from './audit.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'law');
const CALLS = join(FIXTURES, 'calls.csv');
const REGISTRY = join(FIXTURES, 'registry');
const scratch = mkdtempSync(join(tmpdir(), 'vigie-law-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function run(argv: readonly string[]): Promise<{ code: number; out: string; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  // numberingDir stands for VIGIE_NUMBERING_DIR: an empty folder, so the shipped ARCEP copy is used.
  const env: Environment = { defaultDb: ':memory:', cwd: scratch, interactive: false, numberingDir: scratch };
  const ctx: Omit<CliContext, 'setExitCode'> = { env, out: (t) => out.push(t), err: (t) => err.push(t) };
  const code = await runCli(argv, ctx);
  return { code, out: out.join('\n'), err };
}

describe('vigie audit --calls', () => {
  it('prints the violations as JSON, sorted by call time then rule id, and reports the bad row', async () => {
    const { code, out, err } = await run([
      'audit',
      '--calls',
      CALLS,
      '--registry',
      REGISTRY,
      '--format',
      'json',
    ]);
    expect(code).toBe(3);
    expect(err).toEqual(['vigie: calls.csv:12: started_at: impossible date "2026-13-01T10:00:00Z"']);
    const violations = JSON.parse(out) as Violation[];
    expect(violations.map((v) => [v.callId, v.rule, v.severity])).toEqual([
      ['c6', 'bloctel.listed', 'violation'],
      ['c2', 'hours.window', 'violation'],
      ['c3', 'consent.missing', 'violation'],
      ['c4', 'dnc.internal', 'violation'],
      ['c5', 'callerid.mobile', 'violation'],
      ['c5', 'callerid.not_assigned', 'warning'],
      ['c8', 'callerid.forbidden', 'violation'],
      ['c10', 'consent.missing', 'violation'],
      ['c10', 'refusal.recontact', 'violation'],
    ]);
    expect(violations[1]).toEqual({
      rule: 'hours.window',
      callId: 'c2',
      caller: '+33162000000',
      callee: '+33612345678',
      startedAt: '2026-11-23T19:30:00.000Z',
      localTime: '2026-11-23T20:30:00+01:00',
      timeZone: 'Europe/Paris',
      provider: 'p1',
      client: 'ACME',
      campaign: 'CAMP1',
      severity: 'violation',
      explanation: 'appel à 20:30:00 heure locale (Europe/Paris), hors des plages 10:00–13:00 et 14:00–20:00',
    });
  });

  it('reads the same registry from one flag per file', async () => {
    const files = [
      'consents',
      'customers',
      'refusals',
      'dnc',
      'bloctel',
      'consultations',
      'assignments',
      'contacts',
      'campaigns',
    ];
    const flags = files.flatMap((f) => [`--${f}`, join(REGISTRY, `${f}.csv`)]);
    const byFolder = await run(['audit', '--calls', CALLS, '--registry', REGISTRY, '--format', 'json']);
    const byFile = await run(['audit', '--calls', CALLS, ...flags, '--format', 'json']);
    expect(byFile.out).toBe(byFolder.out);
  });

  it('ends the table with the summary per rule and per provider, per 1,000 calls', async () => {
    const { out } = await run(['audit', '--calls', CALLS, '--registry', REGISTRY]);
    expect(out).toContain('10 calls, 9 findings / 10 appels, 9 constats');
    expect(out).toMatch(/consent\.missing\s+violation\s+2\s+200/);
    expect(out).toMatch(/p1\s+6\s+6\s+1 000\n/);
    expect(out).toMatch(/p2\s+4\s+3\s+750$/);
  });

  it('writes CSV with a header row', async () => {
    const { out } = await run(['audit', '--calls', CALLS, '--registry', REGISTRY, '--format', 'csv']);
    const [header, first] = out.split('\n');
    expect(header).toBe(
      'rule,callId,caller,callee,startedAt,localTime,timeZone,provider,client,campaign,severity,explanation',
    );
    expect(first?.startsWith('bloctel.listed,c6,')).toBe(true);
  });

  it('applies a deployment rule file and refuses a bad one', async () => {
    const good = join(scratch, 'rules.json');
    writeFileSync(good, JSON.stringify({ rules: { 'hours.window': { enabled: false } } }));
    const { out } = await run([
      'audit',
      '--calls',
      CALLS,
      '--registry',
      REGISTRY,
      '--format',
      'json',
      '--rules',
      good,
    ]);
    expect((JSON.parse(out) as Violation[]).some((v) => v.rule === 'hours.window')).toBe(false);
    const bad = join(scratch, 'bad.json');
    writeFileSync(bad, JSON.stringify({ rules: { 'hours.windows': {} } }));
    const refused = await run(['audit', '--calls', CALLS, '--rules', bad]);
    expect(refused.code).toBe(2);
    expect(refused.err.join('\n')).toContain('unknown rule id "hours.windows"');
  });

  it('refuses usage errors with exit code 2', async () => {
    expect((await run(['audit', '--registry', REGISTRY, '--db', join(scratch, 'none.duckdb')])).code).toBe(2);
    expect((await run(['audit', '--calls', CALLS, '--format', 'xml'])).code).toBe(2);
    expect((await run(['audit', '--calls', CALLS, '--timezone', 'Mars/Olympus'])).code).toBe(2);
    expect(
      (await run(['audit', '--calls', CALLS, '--registry', REGISTRY, '--dnc', join(REGISTRY, 'dnc.csv')]))
        .code,
    ).toBe(2);
  });
});

describe('readCallsFile', () => {
  it('reads naive times in the given zone, decimal commas, booleans and defaults', () => {
    const text =
      'Call_ID;Started_At;Caller;Callee;Outcome;Talk_Seconds;Refused\r\nx;23/11/2026 10:15;0162000000;+262 692 12 34 56;answered;3,5;oui\r\n';
    const { calls, errors } = readCallsFile(text, 'x.csv', { timeZone: 'Indian/Reunion', provider: 'pX' });
    expect(errors).toEqual([]);
    expect(calls[0]).toMatchObject({
      provider: 'pX',
      startedAt: new Date('2026-11-23T06:15:00Z'),
      callee: '+262692123456',
      talkSeconds: 3.5,
      short: true,
      refused: true,
      purpose: 'prospecting',
      direction: 'outbound',
    });
  });

  it('names file, line and field of each bad row', () => {
    const text =
      'call_id,started_at,caller,callee,outcome,purpose\na,2026-11-23T10:00:00Z,0162000000,nope,answered,\nb,2026-11-23T10:00:00Z,0162000000,0612345678,ringing,sales\n';
    expect(readCallsFile(text, 'y.csv', { timeZone: 'Europe/Paris' }).errors).toEqual([
      { file: 'y.csv', line: 2, field: 'callee', message: 'unreadable phone number "nope"' },
      { file: 'y.csv', line: 3, field: 'outcome', message: 'unknown outcome "ringing"' },
      { file: 'y.csv', line: 3, field: 'purpose', message: 'unknown purpose "sales"' },
    ]);
  });
});

describe('vigie check', () => {
  const base = [
    'check',
    '--caller',
    '01 62 00 00 00',
    '--client',
    'ACME',
    '--campaign',
    'CAMP1',
    '--registry',
    REGISTRY,
    '--json',
  ];
  it('allows a compliant call (exit 0)', async () => {
    const { code, out } = await run([
      ...base,
      '--callee',
      '06 12 34 56 78',
      '--at',
      '2026-11-23T11:00:00+01:00',
    ]);
    expect(JSON.parse(out)).toEqual({ allowed: true, reasons: [] });
    expect(code).toBe(0);
  });

  it('refuses a call that breaks a rule (exit 4), naming the rule', async () => {
    const { code, out } = await run([...base, '--callee', '0611111111', '--at', '2026-11-28T11:00:00+01:00']);
    expect(code).toBe(4);
    expect(JSON.parse(out)).toEqual({
      allowed: false,
      reasons: [
        {
          rule: 'consent.missing',
          severity: 'violation',
          explanation: 'aucun consentement de ce consommateur pour le client ACME (portée * ou CAMP1)',
        },
        {
          rule: 'hours.day',
          severity: 'violation',
          explanation: 'appel un samedi (28/11/2026, heure locale Europe/Paris)',
        },
      ],
    });
  });

  it('allows a call with warnings only, and prints text without --json', async () => {
    const { code, out } = await run([
      'check',
      '--caller',
      '0162000000',
      '--callee',
      '0612345678',
      '--client',
      'OTHER',
      '--purpose',
      'service',
      '--registry',
      REGISTRY,
      '--at',
      '2026-11-23T11:00:00+01:00',
    ]);
    expect(code).toBe(0);
    expect(out.split('\n')[0]).toBe('allowed / autorisé');
    expect(out).toContain('warning   callerid.not_assigned');
  });

  it('judges the hours on the callee’s clock through the real numbering core (Réunion, Mayotte)', async () => {
    const at = ['--at', '2026-11-23T16:30:00Z', '--client', 'ACME', '--caller', '0162000000', '--json'];
    const reunion = await run(['check', '--callee', '+262 692 12 34 56', ...at]);
    const mayotte = await run(['check', '--callee', '+262 639 40 12 34', ...at]);
    const rules = (out: string) =>
      (JSON.parse(out) as { reasons: { rule: string }[] }).reasons.map((r) => r.rule);
    expect(rules(reunion.out)).toContain('hours.window');
    expect(rules(mayotte.out)).not.toContain('hours.window');
  });

  it('refuses a bad number or time with exit code 2', async () => {
    expect((await run(['check', '--caller', 'x', '--callee', '0612345678'])).code).toBe(2);
    expect(
      (await run(['check', '--caller', '0162000000', '--callee', '0612345678', '--at', 'demain'])).code,
    ).toBe(2);
  });
});
