import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../records/model.ts';
import type { Consent, RegistryData } from '../registry/model.ts';
import { fakeDescribe, makeCall, makeFacts, origin } from './_testing.ts';
import { auditCalls, checkCall, evaluateCall, placeCallee } from './evaluate.ts';
import { DEFAULT_RULES, mergeRuleConfig, type RuleId } from './rules.ts';
import { localTime } from './time.ts';

const CALLEE = '+33612345678';
const ms = (iso: string) => new Date(iso).getTime();

function consent(overrides: Partial<Consent> = {}): Consent {
  return {
    ...origin(2, 'consents.csv'),
    number: CALLEE,
    grantedAt: ms('2026-06-01T10:00:00Z'),
    client: 'ACME',
    scope: '*',
    source: 'form',
    proof: 'F-1',
    revokedAt: null,
    slotFrom: null,
    slotTo: null,
    ...overrides,
  };
}

function rulesFired(
  call: CallRecord,
  data: Partial<RegistryData> = {},
  history: CallRecord[] = [],
): RuleId[] {
  return evaluateCall(call, history, makeFacts(data), DEFAULT_RULES).map((v) => v.rule);
}

function fired(
  rule: RuleId,
  call: CallRecord,
  data: Partial<RegistryData> = {},
  history: CallRecord[] = [],
): boolean {
  return rulesFired(call, data, history).includes(rule);
}

/** UTC instant of a Paris wall-clock time. */
function paris(date: string, time: string): string {
  const guess = new Date(`${date}T${time}Z`).getTime();
  const offset = localTime(guess, 'Europe/Paris').offsetMinutes;
  return new Date(guess - offset * 60_000).toISOString();
}

describe('hours.window', () => {
  it.each([
    ['09:59:59', true],
    ['10:00:00', false],
    ['12:59:59', false],
    ['13:00:00', true],
    ['13:59:59', true],
    ['14:00:00', false],
    ['19:59:59', false],
    ['20:00:00', true],
  ])('winter Monday %s local → %s', (time, expected) => {
    expect(
      fired('hours.window', makeCall({ at: paris('2026-11-23', time) }), { consents: [consent()] }),
    ).toBe(expected);
  });

  it.each([
    ['09:59:59', true],
    ['10:00:00', false],
    ['19:59:59', false],
    ['20:00:00', true],
  ])('summer Monday %s local → %s', (time, expected) => {
    expect(fired('hours.window', makeCall({ at: paris('2026-06-15', time) }))).toBe(expected);
  });

  it.each([
    // 2026-03-29: 02:00 CET → 03:00 CEST; 08:00Z is 10:00 local (it would be 09:00 the day before).
    ['2026-03-29T07:59:59Z', '09:59:59', true],
    ['2026-03-29T08:00:00Z', '10:00:00', false],
    ['2026-03-29T17:59:59Z', '19:59:59', false],
    ['2026-03-29T18:00:00Z', '20:00:00', true],
    // 2026-10-25: 03:00 CEST → 02:00 CET; 09:00Z is 10:00 local.
    ['2026-10-25T08:59:59Z', '09:59:59', true],
    ['2026-10-25T09:00:00Z', '10:00:00', false],
    ['2026-10-25T18:59:59Z', '19:59:59', false],
    ['2026-10-25T19:00:00Z', '20:00:00', true],
  ])('DST day %s reads %s in Paris (window %s); Sunday all the same', (at, local, expected) => {
    expect(localTime(new Date(at), 'Europe/Paris').time).toBe(local);
    const rules = rulesFired(makeCall({ at }), { consents: [consent()] });
    expect(rules.includes('hours.window')).toBe(expected);
    expect(rules).toContain('hours.day');
  });

  it.each([
    ['+33612345678', '17:30:00', false],
    ['+262262123456', '20:30:00', true],
    ['+262269612345', '19:30:00', false],
    ['+590590123456', '12:30:00', false],
    ['+594594123456', '13:30:00', true],
    ['+596596123456', '12:30:00', false],
  ])('callee %s at the same UTC instant reads %s local (breaks: %s)', (callee, time, expected) => {
    const call = makeCall({ at: '2026-11-23T16:30:00Z', callee });
    const [violation] = evaluateCall(call, [], makeFacts(), DEFAULT_RULES).filter(
      (v) => v.rule === 'consent.missing',
    );
    expect(violation?.localTime.slice(11, 19)).toBe(time);
    expect(fired('hours.window', call)).toBe(expected);
  });

  it('a consent naming the exact slot lifts the window from 2026-08-11', () => {
    const at = paris('2026-11-23', '20:30:00');
    const slot = consent({
      slotFrom: ms(paris('2026-11-23', '20:00:00')),
      slotTo: ms(paris('2026-11-23', '21:00:00')),
    });
    expect(fired('hours.window', makeCall({ at }), { consents: [slot] })).toBe(false);
    const general = consent({ scope: 'hors_horaires' });
    expect(fired('hours.window', makeCall({ at }), { consents: [general] })).toBe(true);
  });

  it('before 2026-08-11 an express consent to out-of-hours calls lifts it', () => {
    const at = paris('2026-06-15', '20:30:00');
    expect(
      fired('hours.window', makeCall({ at }), {
        consents: [consent({ scope: 'hors_horaires', grantedAt: ms('2026-01-01T10:00:00Z') })],
      }),
    ).toBe(false);
  });

  it('does not apply before 2023-03-01', () => {
    expect(fired('hours.window', makeCall({ at: paris('2023-02-27', '21:00:00') }))).toBe(false);
    expect(fired('hours.window', makeCall({ at: paris('2023-03-01', '21:00:00') }))).toBe(true);
  });
});

describe('hours.day and holidays', () => {
  it.each([
    ['2026-11-21', true],
    ['2026-11-22', true],
    ['2026-11-23', false],
    ['2026-11-27', false],
  ])('%s → hours.day %s', (date, expected) => {
    expect(fired('hours.day', makeCall({ at: paris(date, '11:00:00') }))).toBe(expected);
  });

  it.each([
    ['2025-04-21', 'Lundi de Pâques'],
    ['2025-05-29', 'Ascension'],
    ['2025-06-09', 'Lundi de Pentecôte'],
    ['2026-04-06', 'Lundi de Pâques'],
    ['2026-05-14', 'Ascension'],
    ['2026-05-25', 'Lundi de Pentecôte'],
    ['2027-03-29', 'Lundi de Pâques'],
    ['2027-05-06', 'Ascension'],
    ['2027-05-17', 'Lundi de Pentecôte'],
  ])('Easter-based holiday %s (%s) breaks hours.holiday', (date, name) => {
    const violations = evaluateCall(
      makeCall({ at: paris(date, '11:00:00') }),
      [],
      makeFacts(),
      DEFAULT_RULES,
    );
    const holiday = violations.find((v) => v.rule === 'hours.holiday');
    expect(holiday?.explanation).toContain(name);
    expect(holiday?.severity).toBe('violation');
  });

  it.each([
    ['2025-04-18', '67000', true],
    ['2026-04-03', '57000', true],
    ['2027-03-26', '68100', true],
    ['2026-04-03', '75011', false],
    ['2026-12-26', '67000', true],
  ])('Alsace-Moselle day %s for postcode %s → hours.local_holiday %s', (date, postcode, expected) => {
    const contacts = [{ ...origin(), number: CALLEE, type: 'consumer' as const, postcode }];
    const call = makeCall({ at: paris(date, '11:00:00') });
    const found = evaluateCall(call, [], makeFacts({ contacts }), DEFAULT_RULES).find(
      (v) => v.rule === 'hours.local_holiday',
    );
    expect(found !== undefined).toBe(expected);
    if (found !== undefined) {
      expect(found.severity).toBe('warning');
      expect(found.explanation).toContain(postcode);
    }
  });

  it.each([
    ['+262269612345', '2026-04-27', 'Indian/Mayotte'],
    ['+596596123456', '2026-05-22', 'America/Martinique'],
    ['+590590123456', '2026-05-27', 'America/Guadeloupe'],
    ['+594594123456', '2026-06-10', 'America/Cayenne'],
    ['+262262123456', '2027-12-20', 'Indian/Reunion'],
  ])('abolition day of %s on %s is a local holiday there only', (callee, date, zone) => {
    const guess = new Date(`${date}T11:00:00Z`).getTime();
    const at = new Date(guess - localTime(guess, zone).offsetMinutes * 60_000).toISOString();
    expect(fired('hours.local_holiday', makeCall({ at, callee }))).toBe(true);
    expect(fired('hours.local_holiday', makeCall({ at, callee: CALLEE }))).toBe(false);
  });

  it('postcodes 97150/97133 place a +590 number in Saint-Barthélemy / Saint-Martin', () => {
    const callee = '+590690123456';
    const contacts = (postcode: string) => [
      { ...origin(), number: callee, type: 'consumer' as const, postcode },
    ];
    const on = (date: string) => makeCall({ at: `${date}T15:00:00Z`, callee });
    expect(fired('hours.local_holiday', on('2026-05-28'), { contacts: contacts('97150') })).toBe(true);
    expect(fired('hours.local_holiday', on('2026-05-27'), { contacts: contacts('97150') })).toBe(false);
    expect(fired('hours.local_holiday', on('2026-10-09'), { contacts: contacts('97133') })).toBe(true);
  });

  it('a postcode moves a metropolitan mobile overseas, not a geographic number', () => {
    const contact = { ...origin(), number: CALLEE, type: 'consumer' as const, postcode: '97400' };
    expect(placeCallee(fakeDescribe(CALLEE), contact).timeZone).toBe('Indian/Reunion');
    const geo = { ...contact, number: '+33140000000' };
    expect(placeCallee(fakeDescribe('+33140000000'), geo).timeZone).toBe('Europe/Paris');
  });
});

describe('frequency.30d', () => {
  const attempts = (days: string[]) =>
    days.map((d, i) =>
      makeCall({ at: paris(d, '11:00:00'), provider: i % 2 === 0 ? 'p1' : 'p2', outcome: 'no_answer' }),
    );

  it('the 5th attempt on day 30 breaks it, across two providers', () => {
    const prior = attempts(['2026-11-02', '2026-11-05', '2026-11-12', '2026-11-19']);
    const fifth = makeCall({ at: paris('2026-12-01', '11:00:00'), provider: 'p2' });
    const violations = evaluateCall(fifth, prior, makeFacts(), DEFAULT_RULES).filter(
      (v) => v.rule === 'frequency.30d',
    );
    expect(violations.map((v) => v.explanation)).toEqual([
      '5e appel en 30 jours (précédents : 02/11, 05/11, 12/11, 19/11)',
    ]);
  });

  it('the 5th attempt on day 31 does not', () => {
    const prior = attempts(['2026-11-02', '2026-11-05', '2026-11-12', '2026-11-19']);
    expect(
      fired('frequency.30d', makeCall({ at: paris('2026-12-02', '11:00:00'), provider: 'p2' }), {}, prior),
    ).toBe(false);
  });

  it('attempts of another client do not add up', () => {
    const prior = attempts(['2026-11-02', '2026-11-05', '2026-11-12']);
    const other = makeCall({ at: paris('2026-11-19', '11:00:00'), client: 'OTHER' });
    expect(
      fired('frequency.30d', makeCall({ at: paris('2026-11-20', '11:00:00') }), {}, [...prior, other]),
    ).toBe(false);
  });

  it('auditCalls flags the 5th and 6th attempt only', () => {
    const calls = attempts([
      '2026-11-02',
      '2026-11-05',
      '2026-11-12',
      '2026-11-19',
      '2026-11-20',
      '2026-11-24',
    ]);
    const flagged = auditCalls(calls, makeFacts(), DEFAULT_RULES).filter((v) => v.rule === 'frequency.30d');
    expect(flagged.map((v) => v.explanation.slice(0, 2))).toEqual(['5e', '6e']);
  });
});

describe('refusal.recontact', () => {
  const refusal = (refusedAt: string) => ({
    ...origin(3, 'refusals.csv'),
    number: CALLEE,
    refusedAt: ms(refusedAt),
    client: 'ACME',
  });
  it.each([
    // calls before 2026-08-11: 60-day wait
    ['2026-06-15', '2026-04-17', true],
    ['2026-06-15', '2026-04-15', false],
    // calls from 2026-08-11: permanent stop
    ['2026-10-01', '2026-08-03', true],
    ['2026-10-01', '2026-08-01', true],
    ['2026-10-01', '2025-01-01', true],
  ])('call on %s after a refusal on %s → %s', (callDay, refusalDay, expected) => {
    const call = makeCall({ at: paris(callDay, '11:00:00') });
    expect(fired('refusal.recontact', call, { refusals: [refusal(paris(refusalDay, '11:00:00'))] })).toBe(
      expected,
    );
  });

  it('counts 59 and 61 days exactly', () => {
    const call = makeCall({ at: paris('2026-06-15', '11:00:00') });
    const [v] = evaluateCall(
      call,
      [],
      makeFacts({ refusals: [refusal(paris('2026-04-17', '11:00:00'))] }),
      DEFAULT_RULES,
    ).filter((x) => x.rule === 'refusal.recontact');
    expect(v?.explanation).toBe(
      "refus exprimé le 17/04/2026 (refusals.csv ligne 3), 59 jours avant l'appel (délai : 60 jours)",
    );
  });

  it('a refused call in the records counts too, for the same client only', () => {
    const refused = makeCall({
      at: paris('2026-09-01', '11:00:00'),
      refused: true,
      provider: 'p2',
      callId: 'R1',
    });
    const later = makeCall({ at: paris('2026-12-15', '11:00:00') });
    const v = evaluateCall(later, [refused], makeFacts(), DEFAULT_RULES).find(
      (x) => x.rule === 'refusal.recontact',
    );
    expect(v?.explanation).toContain('appel R1 de p2');
    expect(
      fired('refusal.recontact', makeCall({ at: paris('2026-12-15', '11:00:00'), client: 'OTHER' }), {}, [
        refused,
      ]),
    ).toBe(false);
    expect(
      fired('refusal.recontact', makeCall({ at: paris('2026-06-15', '11:00:00') }), {}, [
        makeCall({ at: paris('2026-04-15', '11:00:00'), refused: true }),
      ]),
    ).toBe(false);
  });
});

describe('consent', () => {
  const at = paris('2026-11-23', '11:00:00');
  it('missing when none exists, when granted after the call, or for another client', () => {
    expect(fired('consent.missing', makeCall({ at }))).toBe(true);
    const after = evaluateCall(
      makeCall({ at }),
      [],
      makeFacts({ consents: [consent({ grantedAt: ms('2026-11-24T10:00:00Z') })] }),
      DEFAULT_RULES,
    );
    expect(after.find((v) => v.rule === 'consent.missing')?.explanation).toContain("après l'appel");
    expect(fired('consent.missing', makeCall({ at }), { consents: [consent({ client: 'OTHER' })] })).toBe(
      true,
    );
  });

  it('scope * or the campaign', () => {
    expect(fired('consent.missing', makeCall({ at }), { consents: [consent({ scope: 'CAMP1' })] })).toBe(
      false,
    );
    expect(fired('consent.missing', makeCall({ at }), { consents: [consent({ scope: 'CAMP2' })] })).toBe(
      true,
    );
  });

  it('invalid when revoked before the call', () => {
    const data = { consents: [consent({ revokedAt: ms('2026-11-01T10:00:00Z') })] };
    const v = evaluateCall(makeCall({ at }), [], makeFacts(data), DEFAULT_RULES).find(
      (x) => x.rule === 'consent.invalid',
    );
    expect(v?.explanation).toBe('consentement du 01/06/2026 (consents.csv ligne 2) révoqué le 01/11/2026');
    expect(
      fired('consent.invalid', makeCall({ at }), {
        consents: [consent({ revokedAt: ms('2026-11-24T10:00:00Z') })],
      }),
    ).toBe(false);
  });

  it('invalid when 366 days old, valid at 365', () => {
    const call = makeCall({ at: '2027-09-01T10:00:00Z' });
    expect(
      fired('consent.invalid', call, { consents: [consent({ grantedAt: ms('2026-08-31T10:00:00Z') })] }),
    ).toBe(true);
    expect(
      fired('consent.invalid', call, { consents: [consent({ grantedAt: ms('2026-09-01T10:00:00Z') })] }),
    ).toBe(false);
  });

  it('does not apply before 2026-08-11 nor with a contract in progress', () => {
    expect(fired('consent.missing', makeCall({ at: paris('2026-08-10', '11:00:00') }))).toBe(false);
    expect(fired('consent.missing', makeCall({ at: paris('2026-08-11', '11:00:00') }))).toBe(true);
    const customers = [
      {
        ...origin(),
        number: CALLEE,
        client: 'ACME',
        contractStart: ms('2026-01-01T00:00:00Z'),
        contractEnd: null,
      },
    ];
    expect(fired('consent.missing', makeCall({ at }), { customers })).toBe(false);
  });
});

describe('bloctel', () => {
  const at = paris('2026-06-15', '11:00:00');
  const consultation = (day: string) => ({
    ...origin(),
    client: 'ACME',
    consultedAt: ms(paris(day, '00:00:00')),
    numbersSubmitted: 1000,
  });
  it.each([
    ['2026-05-16', false],
    ['2026-05-15', true],
  ])('consultation on %s (30/31 days old) → stale %s', (day, expected) => {
    expect(fired('bloctel.stale', makeCall({ at }), { consultations: [consultation(day)] })).toBe(expected);
  });

  it('stale without any consultation; listed when a valid consultation returned the number', () => {
    expect(fired('bloctel.stale', makeCall({ at }))).toBe(true);
    const bloctel = [
      { ...origin(), number: CALLEE, consultedAt: ms(paris('2026-05-20', '00:00:00')), client: null },
    ];
    const data = { consultations: [consultation('2026-05-20')], bloctel };
    expect(fired('bloctel.listed', makeCall({ at }), data)).toBe(true);
    expect(fired('bloctel.listed', makeCall({ at: paris('2026-07-20', '11:00:00') }), data)).toBe(false);
  });

  it('ends on 2026-08-11 and spares contracts in progress', () => {
    expect(fired('bloctel.stale', makeCall({ at: paris('2026-08-10', '11:00:00') }))).toBe(true);
    expect(fired('bloctel.stale', makeCall({ at: paris('2026-08-11', '11:00:00') }))).toBe(false);
    const customers = [
      {
        ...origin(),
        number: CALLEE,
        client: 'ACME',
        contractStart: ms('2026-01-01T00:00:00Z'),
        contractEnd: ms('2026-07-01T00:00:00Z'),
      },
    ];
    expect(fired('bloctel.stale', makeCall({ at }), { customers })).toBe(false);
    expect(fired('bloctel.stale', makeCall({ at: paris('2026-07-02', '11:00:00') }), { customers })).toBe(
      true,
    );
  });
});

describe('scope', () => {
  const at = paris('2026-11-21', '21:00:00');
  const professional = [{ ...origin(), number: CALLEE, type: 'professional' as const, postcode: null }];

  it('professional callees escape the consumer rules, not the caller-ID ones', () => {
    const call = makeCall({ at, caller: '+33612000000' });
    const rules = rulesFired(call, { contacts: professional });
    expect(rules).toEqual(['callerid.mobile']);
    expect(rulesFired(makeCall({ at, caller: 'anonymous' }), { contacts: professional })).toEqual([]);
  });

  it('other purposes are checked against the caller-ID and DNC rules only', () => {
    const dnc = [{ ...origin(), number: CALLEE, addedAt: null, reason: 'demande' }];
    expect(rulesFired(makeCall({ at, purpose: 'service', caller: 'anonymous' }), { dnc })).toEqual([
      'callerid.forbidden',
      'dnc.internal',
    ]);
  });

  it("the campaign's declared purpose wins over the record's default", () => {
    const campaigns = [
      {
        ...origin(),
        campaign: 'CAMP1',
        client: 'ACME',
        purpose: 'collection' as const,
        sector: null,
        dialer: 'automated' as const,
      },
    ];
    expect(rulesFired(makeCall({ at }), { campaigns })).toEqual([]);
  });

  it('a contract in progress keeps hours, days and frequency but lifts consent and sector bans', () => {
    const customers = [
      {
        ...origin(),
        number: CALLEE,
        client: 'ACME',
        contractStart: ms('2026-01-01T00:00:00Z'),
        contractEnd: null,
      },
    ];
    const campaigns = [
      {
        ...origin(),
        campaign: 'CAMP1',
        client: 'ACME',
        purpose: null,
        sector: 'renewables',
        dialer: 'automated' as const,
      },
    ];
    expect(rulesFired(makeCall({ at }), { customers, campaigns })).toEqual(['hours.day', 'hours.window']);
    expect(rulesFired(makeCall({ at }), { campaigns })).toContain('sector.banned');
  });
});

describe('sector.banned', () => {
  const campaigns = (sector: string) => [
    { ...origin(), campaign: 'CAMP1', client: null, purpose: null, sector, dialer: 'automated' as const },
  ];
  it.each([
    ['energy_renovation', '2020-07-24', false],
    ['energy_renovation', '2020-07-27', true],
    ['home_adaptation', '2026-08-10', false],
    ['home_adaptation', '2026-08-11', true],
    ['cpf', '2022-11-30', false],
    ['cpf', '2022-12-01', true],
    ['insurance', '2026-11-23', false],
  ])('%s on %s → %s', (sector, day, expected) => {
    expect(
      fired('sector.banned', makeCall({ at: paris(day, '11:00:00') }), { campaigns: campaigns(sector) }),
    ).toBe(expected);
  });
});

describe('caller ID', () => {
  const at = paris('2026-11-23', '11:00:00');
  it.each<[string, RuleId[]]>([
    ['+33162000000', []],
    ['+33948000000', []],
    ['+33947500000', []],
    ['+33140000000', ['callerid.not_npv']],
    ['+33912345678', ['callerid.not_npv']],
    ['+33612000000', ['callerid.mobile']],
    ['+590690123456', ['callerid.mobile']],
    ['anonymous', ['callerid.forbidden']],
    ['+33899123456', ['callerid.forbidden']],
    ['+33801000000', []],
    ['3900', ['callerid.forbidden']],
    ['3010', []],
    ['118712', ['callerid.forbidden']],
    ['+33199000000', ['callerid.not_npv', 'callerid.unattributed']],
    ['+442071234567', []],
  ])('caller %s → %j', (caller, expected) => {
    const rules = rulesFired(makeCall({ at, caller }), { consents: [consent()] }).filter((r) =>
      r.startsWith('callerid.'),
    );
    expect(rules).toEqual(expected);
  });

  it('not_npv only for automated dialers', () => {
    const campaigns = [
      {
        ...origin(),
        campaign: 'CAMP1',
        client: 'ACME',
        purpose: null,
        sector: null,
        dialer: 'manual' as const,
      },
    ];
    expect(fired('callerid.not_npv', makeCall({ at, caller: '+33140000000' }), { campaigns })).toBe(false);
  });

  it('not_assigned is a warning, only when assignments are known', () => {
    const caller = '+33162000000';
    const assignment = (client: string) => ({
      ...origin(),
      callerId: caller,
      client,
      provider: 'p1',
      campaign: null,
      validFrom: ms('2026-01-01T00:00:00Z'),
      validTo: ms('2027-01-01T00:00:00Z'),
      dedicated: true,
    });
    expect(fired('callerid.not_assigned', makeCall({ at }))).toBe(false);
    expect(fired('callerid.not_assigned', makeCall({ at }), { assignments: [assignment('ACME')] })).toBe(
      false,
    );
    const facts = makeFacts({ assignments: [assignment('OTHER')], consents: [consent()] });
    const [v] = evaluateCall(makeCall({ at }), [], facts, DEFAULT_RULES);
    expect(v?.rule).toBe('callerid.not_assigned');
    expect(v?.severity).toBe('warning');
    expect(v?.explanation).toContain('OTHER');
    expect(
      fired('callerid.not_assigned', makeCall({ at: paris('2027-01-04', '11:00:00') }), {
        assignments: [assignment('ACME')],
      }),
    ).toBe(true);
  });
});

describe('dnc.internal', () => {
  it('from its added date, for any purpose', () => {
    const dnc = [
      { ...origin(4, 'dnc.csv'), number: CALLEE, addedAt: ms('2026-11-01T00:00:00Z'), reason: 'plainte' },
    ];
    expect(fired('dnc.internal', makeCall({ at: '2026-10-30T10:00:00Z', purpose: 'survey' }), { dnc })).toBe(
      false,
    );
    const v = evaluateCall(
      makeCall({ at: '2026-11-23T10:00:00Z', purpose: 'survey' }),
      [],
      makeFacts({ dnc }),
      DEFAULT_RULES,
    );
    expect(v.map((x) => x.explanation)).toEqual([
      "numéro sur la liste interne d'opposition depuis le 01/11/2026 (dnc.csv ligne 4, motif : plainte)",
    ]);
  });
});

describe('checkCall and rule overrides', () => {
  const facts = () => makeFacts({ consents: [consent()] });
  it('allows a compliant call and refuses a violation; warnings do not refuse', () => {
    const base = {
      caller: '+33162000000',
      callee: CALLEE,
      client: 'ACME',
      campaign: 'CAMP1',
      purpose: 'prospecting' as const,
    };
    expect(
      checkCall({ ...base, at: new Date(paris('2026-11-23', '11:00:00')) }, [], facts(), DEFAULT_RULES),
    ).toEqual({ allowed: true, reasons: [] });
    const late = checkCall(
      { ...base, at: new Date(paris('2026-11-23', '20:00:00')) },
      [],
      facts(),
      DEFAULT_RULES,
    );
    expect(late.allowed).toBe(false);
    expect(late.reasons.map((r) => r.rule)).toEqual(['hours.window']);
    const rules = mergeRuleConfig(DEFAULT_RULES, { rules: { 'hours.window': { severity: 'warning' } } });
    const warned = checkCall({ ...base, at: new Date(paris('2026-11-23', '20:00:00')) }, [], facts(), rules);
    expect(warned).toEqual({
      allowed: true,
      reasons: [expect.objectContaining({ rule: 'hours.window', severity: 'warning' })],
    });
  });

  it('a deployment can move a threshold or a date', () => {
    const rules = mergeRuleConfig(DEFAULT_RULES, {
      rules: {
        'frequency.30d': { params: { maxAttempts: 2 } },
        'consent.missing': { validFrom: '2027-01-01' },
      },
    });
    const prior = [
      makeCall({ at: paris('2026-11-02', '11:00:00') }),
      makeCall({ at: paris('2026-11-03', '11:00:00') }),
    ];
    const call = makeCall({ at: paris('2026-11-04', '11:00:00') });
    expect(evaluateCall(call, prior, makeFacts(), rules).map((v) => v.rule)).toEqual(['frequency.30d']);
  });

  it('reports every bad key at once', () => {
    expect(() =>
      mergeRuleConfig(DEFAULT_RULES, {
        rules: { 'nope.rule': {}, 'hours.window': { severity: 'fatal', params: { windows: 'x' } } },
      }),
    ).toThrow(/unknown rule id "nope.rule".*hours.window.severity.*hours.window.params.windows/);
  });
});
