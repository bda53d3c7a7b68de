import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../support/files.ts';

const examples = join(import.meta.dirname, '..', '..', 'examples');

async function populated(): Promise<string> {
  const dir = tempDir();
  expect((await cli(['ingest', join(examples, 'canonical', 'calls.csv')], dir)).code).toBe(0);
  expect((await cli(['ingest-reports', join(examples, 'reports', 'reports.csv')], dir)).code).toBe(0);
  return dir;
}

describe('vigie numbers', () => {
  it('gives each caller ID its status, score and 7-day KPIs, as of the last day with calls', async () => {
    const dir = await populated();
    const run = await cli(['numbers', '--json'], dir);
    expect(run.code).toBe(0);
    const numbers = JSON.parse(run.out) as Record<string, unknown>[];
    const first = numbers.find((n) => n.number === '+33162000001');
    // 4 outbound attempts on 23/11 (c-0001…c-0004): 2 answered, 1 of them short, 1 blocked, 3 reports.
    expect(first).toMatchObject({
      asOf: '2026-11-23',
      attempts7d: 4,
      attemptsPerDay7d: 4,
      answerRate7d: 0.5,
      shortShare7d: 0.5,
      reportRate7d: 0.75,
      cap: 150,
      callbackRate7d: 0.25,
    });
    for (const n of numbers) {
      expect(Object.keys(n)).toEqual(
        expect.arrayContaining([
          'number',
          'status',
          'score',
          'answerRate7d',
          'reportRate7d',
          'attemptsPerDay7d',
          'cap',
          'shortShare7d',
          'callbackRate7d',
        ]),
      );
      expect(n.score).toBeGreaterThanOrEqual(0);
      expect(n.score).toBeLessThanOrEqual(100);
    }
    // The inbound call-back (c-0007) comes from a callee, not from a caller ID of ours.
    expect(numbers.map((n) => n.number)).not.toContain('+33612345601');
    const table = await cli(['numbers'], dir);
    expect(table.out).toContain('lundi 23 novembre 2026');
  });

  it('records the operator’s rest and resume with author and reason, and resumes on a ramp-up', async () => {
    const dir = await populated();
    const rest = await cli(
      [
        'number',
        'rest',
        '01 62 00 00 01',
        '--reason',
        'trop de signalements',
        '--author',
        'c.martin',
        '--at',
        '2026-11-24',
      ],
      dir,
    );
    expect(rest.code).toBe(0);
    const resting = JSON.parse(
      (await cli(['number', 'show', '0162000001', '--json', '--as-of', '2026-11-25'], dir)).out,
    );
    expect(resting.status).toBe('resting');
    await cli(
      [
        'number',
        'resume',
        '+33162000001',
        '--reason',
        'repos terminé',
        '--author',
        'c.martin',
        '--at',
        '2026-12-20',
      ],
      dir,
    );
    const shown = JSON.parse(
      (await cli(['number', 'show', '+33162000001', '--json', '--as-of', '2026-12-21'], dir)).out,
    );
    expect(shown.status).toBe('recovering');
    expect(shown.actions).toEqual([
      expect.objectContaining({
        action: 'rest',
        day: '2026-11-24',
        author: 'c.martin',
        reason: 'trop de signalements',
      }),
      expect.objectContaining({
        action: 'resume',
        day: '2026-12-20',
        author: 'c.martin',
        reason: 'repos terminé',
      }),
    ]);
    expect(shown.statusChanges.map((c: { to: string }) => c.to)).toEqual(
      expect.arrayContaining(['resting', 'recovering']),
    );
    expect(shown.cap).toBeLessThan(150);
    const missingReason = await cli(['number', 'rest', '0162000001'], dir);
    expect(missingReason.code).toBe(2);
  });
});
