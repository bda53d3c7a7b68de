import { describe, expect, it } from 'vitest';
import { ingestFile } from '../../src/ingest/calls.ts';
import { ingestReportFile } from '../../src/ingest/reports.ts';
import { DEFAULT_CONFIG } from '../../src/reputation/model.ts';
import { updateReputation } from '../../src/reputation/service.ts';
import { openStore } from '../../src/store/store.ts';
import { tempDir, writeFile } from '../support/files.ts';

/** A week of 100 calls a day from one number, and reports on 8 % of them: a burnt number. */
async function burntNumberStore() {
  const dir = tempDir();
  const calls = ['call_id,started_at,caller,callee,outcome,talk_seconds'];
  const reports = ['number,reported_at,source,category,comment'];
  for (let day = 16; day <= 20; day++) {
    for (let i = 0; i < 100; i++) {
      const minute = String(i % 60).padStart(2, '0');
      const hour = 10 + Math.floor(i / 60);
      calls.push(
        `d${day}-${i},2026-11-${day}T${hour}:${minute}:00+01:00,+33162000099,+3361234${String(day * 100 + i).padStart(4, '0')},${i % 4 === 0 ? 'answered' : 'no_answer'},${i % 4 === 0 ? 3 : 0}`,
      );
      if (i < 8) reports.push(`+33162000099,2026-11-${day}T18:00:00+01:00,tellows,spam,r${i}`);
    }
  }
  const store = await openStore({ path: ':memory:' });
  await ingestFile(store, writeFile(dir, 'calls.csv', `${calls.join('\n')}\n`), {
    provider: 'atlas',
    client: 'enerlux',
  });
  await ingestReportFile(store, writeFile(dir, 'reports.csv', `${reports.join('\n')}\n`));
  return store;
}

describe('auto-rest at compromised', () => {
  it('rests a compromised number when the thresholds ask for it, and records why', async () => {
    const store = await burntNumberStore();
    const config = {
      ...DEFAULT_CONFIG,
      defaults: { ...DEFAULT_CONFIG.defaults, autoRestAtCompromised: true },
    };
    const update = await updateReputation(store, { config, now: new Date('2026-11-21T08:00:00Z') });
    expect(update.autoRested).toEqual(['+33162000099']);
    const actions = await store.all<{ action: string; author: string; reason: string }>(
      'SELECT action, author, reason FROM number_actions',
    );
    expect(actions).toEqual([expect.objectContaining({ action: 'rest', author: 'vigie (auto-rest)' })]);
    expect(actions[0]?.reason).toMatch(/^compromised on 2026-11-20/);
    store.close();
  });

  it('leaves the number alone when auto-rest is off (the default)', async () => {
    const store = await burntNumberStore();
    const update = await updateReputation(store, { now: new Date('2026-11-21T08:00:00Z') });
    expect(update.autoRested).toEqual([]);
    expect(update.conditions).toBeGreaterThan(0);
    store.close();
  });
});
