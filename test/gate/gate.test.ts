import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Environment } from '../../src/config/env.ts';
import type { GateDecision } from '../../src/gate/engine.ts';
import {
  type Gate,
  type GateContext,
  changeRegistry,
  decide,
  openGate,
  recordAttempts,
} from '../../src/gate/service.ts';
import { DEFAULT_RULES } from '../../src/law/rules.ts';
import { insertAction } from '../../src/reputation/queries.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { cli, tempDir } from '../support/files.ts';

const REGISTRY = join(import.meta.dirname, '..', 'fixtures', 'law', 'registry');
const env: Environment = { defaultDb: '', cwd: tempDir(), interactive: false };
const dir = tempDir('vigie-gate-');
const db = join(dir, 'vigie.duckdb');
/** A Tuesday, 10:15 in Paris: inside the hours, after the opt-in date (consents needed). */
const AT = '2026-11-24T10:15:00+01:00';
const NOW = new Date(AT);

let store: Store;
let gate: Gate;

const ctxOf = (g: Gate, actor: GateContext['actor'] = { name: 'test' }, now = NOW): GateContext => ({
  gate: g,
  actor,
  clock: () => now,
});

async function open(): Promise<Gate> {
  return openGate({ store, env, rules: DEFAULT_RULES, now: NOW });
}

beforeAll(async () => {
  const imported = await cli(['registry', 'import', '--registry', REGISTRY, '--db', db]);
  expect(imported.code).toBe(0);
  store = await openStore({ path: db });
  gate = await open();
});

afterAll(() => {
  store.close();
});

describe('the gate over the stored registry', () => {
  it('decides as vigie check --db does, number by number', async () => {
    const numbers = [
      '0612345678',
      '0622222222',
      '0633333333',
      '0644444444',
      '0655555555',
      '0666666666',
      '0677777777',
      '0699999999',
    ];
    store.close();
    try {
      for (const callee of numbers) {
        for (const at of [AT, '2026-07-01T10:15:00+02:00', '2026-11-24T13:30:00+01:00']) {
          const run = await cli([
            'check',
            '--caller',
            '0162000000',
            '--callee',
            callee,
            '--client',
            'ACME',
            '--campaign',
            'CAMP1',
            '--at',
            at,
            '--db',
            db,
            '--json',
          ]);
          const checked = JSON.parse(run.out) as { allowed: boolean; reasons: unknown[] };
          const decided = decide({
            ctx: ctxOf(gate),
            input: { caller: '01 62 00 00 00', callee, client: 'ACME', campaign: 'CAMP1', at },
          }) as GateDecision;
          expect({ callee, at, reasons: decided.reasons }).toEqual({ callee, at, reasons: checked.reasons });
          expect(decided.allowed).toBe(checked.allowed);
        }
      }
    } finally {
      store = await openStore({ path: db });
      gate = await open();
    }
  });

  it('answers a batch in the same order, and names each bad field', () => {
    const items = ['0612345678', '0622222222', '0612345678'].map((callee) => ({
      caller: '+33 1 62 00 00 00',
      callee,
      client: 'ACME',
      at: AT,
    }));
    const out = decide({ ctx: ctxOf(gate), input: { items } }) as { results: GateDecision[] };
    expect(out.results.map((r) => r.allowed)).toEqual([true, false, true]);
    expect(out.results[1]?.reasons.map((r) => r.rule)).toContain('dnc.internal');
    expect(() => decide({ ctx: ctxOf(gate), input: { caller: '0162000000', callee: 'abc' } })).toThrow(
      /callee: not a phone number/,
    );
    expect(() =>
      decide({
        ctx: ctxOf(gate),
        input: { caller: '0162000000', callee: '0612345678', at: '2026-11-24T10:15:00' },
      }),
    ).toThrow(/at: expected an ISO 8601 time with its offset/);
    expect(() => decide({ ctx: ctxOf(gate), input: { items: [] } })).toThrow(/items/);
    expect(() =>
      decide({ ctx: ctxOf(gate), input: { items: Array.from({ length: 10_001 }, () => items[0]) } }),
    ).toThrow(/items/);
    expect(() =>
      decide({ ctx: ctxOf(gate, { name: 'k', client: 'OTHER' }), input: { ...items[0], client: 'ACME' } }),
    ).toThrow(/outside the scope/);
  });

  it('counts attempts across providers: the 5th in 30 days is refused, and survives a restart', async () => {
    const callee = '06 12 34 56 78';
    const base = Date.parse(AT);
    for (let i = 0; i < 4; i++) {
      const at = new Date(base - (i + 1) * 3 * 86_400_000).toISOString();
      const provider = i % 2 === 0 ? 'p1' : 'p2';
      const d = decide({
        ctx: ctxOf(gate),
        input: { caller: '0162000000', callee, client: 'ACME', at: AT, provider },
      }) as GateDecision;
      expect(d.allowed).toBe(true);
      await recordAttempts({
        ctx: ctxOf(gate),
        input: { caller: '0162000000', callee, client: 'ACME', at, provider },
      });
    }
    const fifth = decide({
      ctx: ctxOf(gate),
      input: { caller: '0162000000', callee, client: 'ACME', at: AT, provider: 'p1' },
    }) as GateDecision;
    expect(fifth.allowed).toBe(false);
    expect(fifth.reasons.map((r) => r.rule)).toEqual(['frequency.30d']);
    expect(fifth.reasons[0]?.explanation).toMatch(/^5e appel en 30 jours/);
    // The next lawful slot: when the oldest attempt leaves the window, at a window's start.
    expect(fifth.suggestion).toMatchObject({ kind: 'slot', timeZone: 'Europe/Paris' });
    const slot = fifth.suggestion?.kind === 'slot' ? Date.parse(fifth.suggestion.at) : 0;
    expect(slot).toBeGreaterThan(base);
    const later = decide({
      ctx: ctxOf(gate),
      input: { caller: '0162000000', callee, client: 'ACME', at: new Date(slot).toISOString() },
    }) as GateDecision;
    expect(later.allowed).toBe(true);
    const earlier = decide({
      ctx: ctxOf(gate),
      input: { caller: '0162000000', callee, client: 'ACME', at: new Date(slot - 60_000).toISOString() },
    }) as GateDecision;
    expect(earlier.allowed).toBe(false);

    const reopened = await open();
    const again = decide({
      ctx: ctxOf(reopened),
      input: { caller: '0162000000', callee, client: 'ACME', at: AT },
    }) as GateDecision;
    expect(again.reasons.map((r) => r.rule)).toEqual(['frequency.30d']);
  });

  it('a CDR of a recorded attempt takes its place: never counted twice', async () => {
    const g = await open();
    const callee = '+33612345678';
    const before = g.engine.history.size;
    const at = Date.parse(AT) - 86_400_000;
    // The attempt of the restart test 3 days back: its CDR arrives (same caller and callee, 20 s later).
    g.engine.addCall({
      provider: 'p1',
      callId: 'cdr-1',
      at: at - 2 * 86_400_000 + 20_000,
      caller: '+33162000000',
      callee,
      client: 'ACME',
      campaign: null,
      purpose: 'prospecting',
      refused: false,
    });
    expect(g.engine.history.size).toEqual({ calls: before.calls + 1, attempts: before.attempts - 1 });
    // A CDR far from any attempt is a new call.
    g.engine.addCall({
      provider: 'p2',
      callId: 'cdr-2',
      at: at - 20 * 86_400_000,
      caller: '+33162000000',
      callee,
      client: 'ACME',
      campaign: null,
      purpose: 'prospecting',
      refused: false,
    });
    expect(g.engine.history.size).toEqual({ calls: before.calls + 2, attempts: before.attempts - 1 });
    // Matched on provider and call id, whatever the time.
    await recordAttempts({
      ctx: ctxOf(g),
      input: {
        caller: '0162000000',
        callee: '0699999999',
        client: 'ACME',
        at: AT,
        provider: 'p3',
        callId: 'X-1',
      },
    });
    const withId = g.engine.history.size;
    g.engine.addCall({
      provider: 'p3',
      callId: 'X-1',
      at: Date.parse(AT) + 5 * 60_000,
      caller: '+33162000000',
      callee: '+33699999999',
      client: 'ACME',
      campaign: null,
      purpose: 'prospecting',
      refused: false,
    });
    expect(g.engine.history.size).toEqual({ calls: withId.calls + 1, attempts: withId.attempts - 1 });
  });

  it('the caller ID: daily cap, suspension, and another caller ID of the campaign suggested', async () => {
    const g = await open();
    const dayStart = Date.parse('2026-11-24T08:00:00+01:00');
    const items = Array.from({ length: 150 }, (_, i) => ({
      caller: '0162000001',
      callee: `+33610${String(i).padStart(6, '0')}`,
      client: 'ACME',
      at: new Date(dayStart + i * 1000).toISOString(),
    }));
    const state0 = (
      decide({
        ctx: ctxOf(g),
        input: { caller: '0162000001', callee: '0699999997', client: 'ACME', campaign: 'CAMP1', at: AT },
      }) as GateDecision
    ).callerId;
    await recordAttempts({ ctx: ctxOf(g), input: { items } });
    const capped = decide({
      ctx: ctxOf(g),
      input: { caller: '0162000001', callee: '0699999997', client: 'ACME', campaign: 'CAMP1', at: AT },
    }) as GateDecision;
    expect(state0.remainingToday - capped.callerId.remainingToday).toBe(150);
    expect(capped.callerId.remainingToday).toBe(0);
    expect(capped.allowed).toBe(false);
    expect(capped.reasons.map((r) => r.rule)).toEqual([
      'callerid.not_assigned',
      'consent.missing',
      'clause.daily_cap',
    ]);
    // No other caller ID of CAMP1 in assignments.csv: no suggestion of one.
    expect(capped.suggestion?.kind).not.toBe('callerId');
  });

  it('a registry change takes effect for the next decision, and is stored', async () => {
    const g = await open();
    // Past the 30 days of the attempts recorded above.
    const q = { caller: '0162000000', callee: '0612345678', client: 'ACME', at: '2027-01-12T10:15:00+01:00' };
    expect((decide({ ctx: ctxOf(g), input: q }) as GateDecision).allowed).toBe(true);
    await changeRegistry({
      ctx: ctxOf(g),
      input: { kind: 'dnc', number: '06 12 34 56 78', at: '2026-11-20T09:00:00+01:00', reason: 'demande' },
    });
    const refused = decide({ ctx: ctxOf(g), input: q }) as GateDecision;
    expect(refused.reasons.map((r) => r.rule)).toEqual(['dnc.internal']);
    // The stored registry says the same (vigie check --db and a restarted gate).
    const restarted = await open();
    expect((decide({ ctx: ctxOf(restarted), input: q }) as GateDecision).reasons).toEqual(refused.reasons);

    const q2 = {
      caller: '0162000000',
      callee: '0622222222',
      client: 'ACME',
      at: '2026-09-15T10:15:00+02:00',
    };
    expect((decide({ ctx: ctxOf(g), input: q2 }) as GateDecision).reasons.map((r) => r.rule)).toEqual([]);
    await changeRegistry({
      ctx: ctxOf(g),
      input: { kind: 'revocations', number: '0622222222', client: 'ACME', at: '2026-09-01T00:00:00+02:00' },
    });
    expect((decide({ ctx: ctxOf(g), input: q2 }) as GateDecision).reasons.map((r) => r.rule)).toEqual([
      'consent.invalid',
    ]);
    expect(
      (decide({ ctx: ctxOf(await open()), input: q2 }) as GateDecision).reasons.map((r) => r.rule),
    ).toEqual(['consent.invalid']);
  });

  it('fail-closed when the shared state is unreachable, fail-open when configured', async () => {
    const g = await open();
    const q = { caller: '0162000000', callee: '0699999998', client: 'ACME', at: AT };
    expect((decide({ ctx: ctxOf(g), input: q }) as GateDecision).reasons).toEqual([
      expect.objectContaining({ rule: 'consent.missing' }),
    ]);
    g.engine.unavailable = 'redis://127.0.0.1:1';
    const closed = decide({ ctx: ctxOf(g), input: q }) as GateDecision;
    expect(closed.allowed).toBe(false);
    expect(closed.reasons.map((r) => r.rule)).toEqual(['gate.unavailable']);
    g.engine.policy = 'fail-open';
    const open_ = decide({ ctx: ctxOf(g), input: q }) as GateDecision;
    expect(open_.reasons.map((r) => [r.rule, r.severity])).toEqual([
      ['consent.missing', 'violation'],
      ['gate.unavailable', 'warning'],
    ]);
  });

  it('an operator action on the caller ID refuses its calls', async () => {
    await insertAction(store, {
      number: '+33162000000',
      action: 'suspend',
      at: AT,
      day: '2026-11-24',
      author: 'marie',
      reason: 'signalements',
    });
    const g2 = await open();
    const suspended = decide({
      ctx: ctxOf(g2),
      input: { caller: '0162000000', callee: '0612345678', client: 'ACME', at: '2027-01-12T10:15:00+01:00' },
    }) as GateDecision;
    expect(suspended.callerId.status).toBe('suspended');
    // The law's reasons first (the DNC entry added above), then the caller ID's.
    expect(suspended.reasons.map((r) => r.rule)).toEqual(['dnc.internal', 'callerid.suspended']);
    expect(suspended.reasons[1]?.explanation).toContain('marie');
  });
});
