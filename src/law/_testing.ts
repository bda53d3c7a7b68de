import type { LineType, NumberInfo, Territory } from '../numbering/model.ts';
import type { CallRecord } from '../records/model.ts';
import { EMPTY_REGISTRY, type RegistryData } from '../registry/model.ts';
import { RegistryIndex } from '../registry/registry-index.ts';
import type { LawFacts } from './evaluate.ts';

/** Test support only: a small stand-in for the numbering core, enough for the law engine's tests. */
const NPV = [
  '162',
  '163',
  '270',
  '271',
  '377',
  '378',
  '424',
  '425',
  '568',
  '569',
  '948',
  '949',
  '9475',
  '9476',
  '9477',
  '9478',
  '9479',
];

const OVERSEAS: readonly (readonly [string, Territory, string, LineType])[] = [
  ['+590590', 'guadeloupe', 'America/Guadeloupe', 'geographic'],
  ['+590690', 'guadeloupe', 'America/Guadeloupe', 'mobile'],
  ['+594594', 'guyane', 'America/Cayenne', 'geographic'],
  ['+594694', 'guyane', 'America/Cayenne', 'mobile'],
  ['+596596', 'martinique', 'America/Martinique', 'geographic'],
  ['+596696', 'martinique', 'America/Martinique', 'mobile'],
  ['+262262', 'reunion', 'Indian/Reunion', 'geographic'],
  ['+262692', 'reunion', 'Indian/Reunion', 'mobile'],
  ['+262693', 'reunion', 'Indian/Reunion', 'mobile'],
  ['+262269', 'mayotte', 'Indian/Mayotte', 'geographic'],
  ['+262639', 'mayotte', 'Indian/Mayotte', 'mobile'],
  ['+508', 'saint_pierre_et_miquelon', 'America/Miquelon', 'geographic'],
];

/** Blocks the fake ARCEP file does not know: `+33 1 99 …` and `+33 9 99 …`. */
const UNATTRIBUTED = ['+33199', '+33999'];

export function fakeDescribe(number: string): NumberInfo {
  const base = {
    e164: number,
    national: number.startsWith('+33') ? `0${number.slice(3)}` : number,
    nationalDigits: number.startsWith('+33') ? `0${number.slice(3)}` : /^\d+$/.test(number) ? number : null,
    attributionChecked: true,
    region: null,
    telemarketingRange: false,
  };
  const attribution = (territory: string) =>
    UNATTRIBUTED.some((p) => number.startsWith(p))
      ? null
      : {
          block: number.slice(0, 7),
          operatorCode: 'FAKE',
          operatorName: 'Fake Telecom',
          territory,
          attributedOn: '2020-01-01',
        };
  if (number === 'anonymous') {
    return {
      ...base,
      territory: 'metropole',
      timeZone: 'Europe/Paris',
      lineType: 'hidden',
      attribution: null,
    };
  }
  if (/^\d{3,6}$/.test(number)) {
    return {
      ...base,
      territory: 'metropole',
      timeZone: 'Europe/Paris',
      lineType: 'short',
      attribution: attribution('National'),
    };
  }
  const overseas = OVERSEAS.find(([prefix]) => number.startsWith(prefix));
  if (overseas !== undefined) {
    const [, territory, timeZone, lineType] = overseas;
    return { ...base, territory, timeZone, lineType, attribution: attribution(territory) };
  }
  if (number.startsWith('+33')) {
    const national = number.slice(3);
    const first = national[0] ?? '';
    let lineType: LineType = 'unknown';
    if ('12345'.includes(first)) lineType = 'geographic';
    else if (first === '6' || first === '7') lineType = 'mobile';
    else if (first === '9') lineType = 'non_geographic_09';
    else if (/^80[0-5]/.test(national)) lineType = 'special_free';
    else if (/^80[6-9]/.test(national)) lineType = 'special_normal';
    else if (/^8[129]/.test(national)) lineType = 'special_premium';
    const overseasNpv = /^947[5-9]/.test(national);
    return {
      ...base,
      territory: 'metropole',
      timeZone: 'Europe/Paris',
      lineType,
      telemarketingRange: NPV.some((p) => national.startsWith(p)),
      attribution: attribution(overseasNpv ? 'Outre-mer' : 'Métropole'),
    };
  }
  return { ...base, territory: 'foreign', timeZone: 'Europe/Paris', lineType: 'foreign', attribution: null };
}

export function makeFacts(data: Partial<RegistryData> = {}): LawFacts {
  return { describe: fakeDescribe, registry: new RegistryIndex({ ...EMPTY_REGISTRY, ...data }) };
}

let counter = 0;

/** A compliant-looking prospecting call from an NPV number, overridable field by field. */
export function makeCall(overrides: Partial<CallRecord> & { at?: string } = {}): CallRecord {
  counter += 1;
  const { at, ...rest } = overrides;
  return {
    provider: 'p1',
    callId: `c${counter}`,
    startedAt: new Date(at ?? '2026-11-23T10:00:00Z'),
    caller: '+33162000000',
    callee: '+33612345678',
    direction: 'outbound',
    outcome: 'answered',
    short: false,
    ringSeconds: 5,
    talkSeconds: 30,
    site: null,
    client: 'ACME',
    campaign: 'CAMP1',
    agent: null,
    purpose: 'prospecting',
    refused: false,
    sipCode: null,
    q850Cause: null,
    attestation: null,
    disposition: null,
    signal: null,
    ...rest,
  };
}

export function origin(line = 2, file = 'test.csv') {
  return { file, line };
}
