import { DEFAULT_THRESHOLDS, type ReputationConfig, type Thresholds } from './model.ts';

const NUMBER_KEYS = [
  'answerRateDrop',
  'reportRateWarning',
  'reportRateCritical',
  'dailyCap',
  'minAttempts',
  'reportingGapDays',
  'forecastHorizonDays',
] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseLayer(value: unknown, where: string, issues: string[]): Partial<Thresholds> {
  if (!isObject(value)) {
    issues.push(`${where}: expected an object`);
    return {};
  }
  const out: Record<string, number | boolean> = {};
  for (const [key, v] of Object.entries(value)) {
    if ((NUMBER_KEYS as readonly string[]).includes(key)) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
        issues.push(`${where}.${key}: expected a number ≥ 0`);
      else out[key] = v;
    } else if (key === 'autoRestAtCompromised') {
      if (typeof v !== 'boolean') issues.push(`${where}.${key}: expected true or false`);
      else out[key] = v;
    } else {
      issues.push(
        `${where}.${key}: unknown threshold (known: ${[...NUMBER_KEYS, 'autoRestAtCompromised'].join(', ')})`,
      );
    }
  }
  return out as Partial<Thresholds>;
}

function parseMap(value: unknown, where: string, issues: string[]): Record<string, Partial<Thresholds>> {
  if (value === undefined) return {};
  if (!isObject(value)) {
    issues.push(`${where}: expected an object keyed by name`);
    return {};
  }
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, parseLayer(v, `${where}.${k}`, issues)]),
  );
}

/**
 * Reads `{"defaults": {…}, "clients": {"Enerlux": {…}}, "providers": {"atlas": {…}}}` (rates as
 * fractions: `"reportRateWarning": 0.015`). Returns every problem at once.
 */
export function parseReputationConfig(value: unknown): { config: ReputationConfig; issues: string[] } {
  const issues: string[] = [];
  if (!isObject(value))
    return {
      config: { defaults: DEFAULT_THRESHOLDS, clients: {}, providers: {} },
      issues: ['expected a JSON object'],
    };
  for (const key of Object.keys(value)) {
    if (!['defaults', 'clients', 'providers'].includes(key))
      issues.push(`${key}: unknown key (defaults, clients, providers)`);
  }
  const defaults = {
    ...DEFAULT_THRESHOLDS,
    ...(value.defaults === undefined ? {} : parseLayer(value.defaults, 'defaults', issues)),
  };
  return {
    config: {
      defaults,
      clients: parseMap(value.clients, 'clients', issues),
      providers: parseMap(value.providers, 'providers', issues),
    },
    issues,
  };
}
