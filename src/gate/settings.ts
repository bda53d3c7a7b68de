import { appendEvidence } from '../evidence/store.ts';
import { UsageError } from '../shared/errors.ts';
import type { Store } from '../store/store.ts';
import type { UnavailablePolicy } from './engine.ts';

/** The gate's configuration, as `gate_settings` stores it. */
export interface GateSettings {
  /** What decisions do when the shared state is unreachable. */
  readonly policy: UnavailablePolicy;
  /** How long evidence entries are kept at least (the DGCCRF asks for three years). */
  readonly evidenceRetentionYears: number;
}

export const DEFAULT_SETTINGS: GateSettings = { policy: 'fail-closed', evidenceRetentionYears: 3 };

/** Below this, a retention is refused: three years of proof (law.md, décret of July 2026). */
export const MIN_RETENTION_YEARS = 3;

export async function readGateSettings(store: Store): Promise<GateSettings> {
  const rows = await store.all<{ key: string; value: string }>('SELECT key, value FROM gate_settings');
  const get = (key: string) => rows.find((r) => r.key === key)?.value;
  const policy = get('policy');
  const years = Number(get('evidence_retention_years') ?? DEFAULT_SETTINGS.evidenceRetentionYears);
  return {
    policy: policy === 'fail-open' ? 'fail-open' : 'fail-closed',
    evidenceRetentionYears: Number.isFinite(years) ? years : DEFAULT_SETTINGS.evidenceRetentionYears,
  };
}

/** Changes settings and appends the change (before and after) to the evidence journal, in one transaction. */
export async function changeGateSettings(
  store: Store,
  change: Partial<GateSettings>,
  actor: string,
  now: Date,
): Promise<GateSettings> {
  if (change.evidenceRetentionYears !== undefined) {
    const y = change.evidenceRetentionYears;
    if (!Number.isInteger(y) || y < MIN_RETENTION_YEARS)
      throw new UsageError(`evidence retention: at least ${MIN_RETENTION_YEARS} years (got ${y})`);
  }
  return store.transaction(async () => {
    const before = await readGateSettings(store);
    const after: GateSettings = { ...before, ...change };
    const put = (key: string, value: string) =>
      store.run(
        `INSERT INTO gate_settings VALUES ($1, $2, CAST($3 AS TIMESTAMPTZ), $4)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
        [key, value, now.toISOString(), actor],
      );
    await put('policy', after.policy);
    await put('evidence_retention_years', String(after.evidenceRetentionYears));
    await appendEvidence(store, { kind: 'gate.config', actor, at: now, content: { before, after } });
    return after;
  });
}
