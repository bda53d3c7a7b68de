import { describe, expect, it } from 'vitest';
import { detectDelimiter, formatRowError, parseDateTime } from './csv.ts';
import {
  parseAssignments,
  parseBloctel,
  parseCampaigns,
  parseConsents,
  parseConsultations,
  parseContacts,
  parseCustomers,
  parseDnc,
  parseRefusals,
} from './parse.ts';
import { RegistryIndex } from './registry-index.ts';
import { EMPTY_REGISTRY } from './model.ts';

const ms = (iso: string) => new Date(iso).getTime();

describe('registry CSV reading', () => {
  it.each([
    ['a,b;c', ','],
    ['a;b;c', ';'],
    ['a\tb\tc', '\t'],
    ['"x;y",b,c', ','],
  ])('detects the separator of %j', (header, expected) => {
    expect(detectDelimiter(header)).toBe(expected);
  });

  it.each([
    ['2026-03-01', '2026-02-28T23:00:00.000Z', true],
    ['01/03/2026', '2026-02-28T23:00:00.000Z', true],
    ['2026-07-01 10:15:00', '2026-07-01T08:15:00.000Z', false],
    ['01/07/2026 10:15', '2026-07-01T08:15:00.000Z', false],
    ['2026-07-01T10:15:00+02:00', '2026-07-01T08:15:00.000Z', false],
    ['2026-07-01T08:15:00Z', '2026-07-01T08:15:00.000Z', false],
  ])('reads the date %s', (text, iso, dateOnly) => {
    const parsed = parseDateTime(text, 'Europe/Paris');
    expect(parsed).toEqual({ ok: true, value: { ms: ms(iso), dateOnly } });
  });

  it.each(['2026-02-30', '31/13/2026', 'hier', '2026-07-01 25:00'])('refuses %s', (text) => {
    expect(parseDateTime(text, 'Europe/Paris').ok).toBe(false);
  });

  it('reads consents with BOM, semicolons, French dates and quoted fields; names file, line and field on errors', () => {
    const text =
      '\uFEFFNumber;Granted_At;Client;Scope;Source;Proof;Revoked_At\r\n' +
      '06 12 34 56 78;01/06/2026;ACME;*;"web; formulaire";F-1;\r\n' +
      '+33 6 12 34 56 79;2026-06-02T10:00:00+02:00;ACME;CAMP1;tel;R-2;15/09/2026\r\n' +
      'pas un numéro;2026-06-02;ACME;*;;;\r\n' +
      '0612345680;hier;ACME;*;;;\r\n';
    const { rows, errors } = parseConsents(text, 'consents.csv');
    expect(rows.map((r) => [r.number, r.scope, r.source, r.line])).toEqual([
      ['+33612345678', '*', 'web; formulaire', 2],
      ['+33612345679', 'CAMP1', 'tel', 3],
    ]);
    expect(rows[0]?.grantedAt).toBe(ms('2026-05-31T22:00:00Z'));
    expect(rows[1]?.revokedAt).toBe(ms('2026-09-14T22:00:00Z'));
    expect(errors.map(formatRowError)).toEqual([
      'consents.csv:4: number: unreadable phone number "pas un numéro"',
      'consents.csv:5: granted_at: unreadable date "hier"',
    ]);
  });

  it('reports a missing column once, at line 1', () => {
    const { rows, errors } = parseConsents('number,client\n0612345678,ACME\n', 'c.csv');
    expect(rows).toEqual([]);
    expect(errors).toEqual([{ file: 'c.csv', line: 1, field: 'granted_at', message: 'missing column' }]);
  });

  it('reads every other registry file', () => {
    const customers = parseCustomers(
      'number,client,contract_start,contract_end\n0612345678,ACME,2026-01-01,2026-06-30\n',
    );
    expect(customers.rows[0]?.contractEnd).toBe(ms('2026-06-30T22:00:00Z'));
    expect(parseRefusals('number,refused_at,client\n0612345678,2026-05-01,\n').rows[0]?.client).toBeNull();
    expect(parseDnc('number\tadded_at\treason\n0612345678\t\tplainte\n').rows[0]).toMatchObject({
      addedAt: null,
      reason: 'plainte',
    });
    expect(parseBloctel('number,consulted_at\n0612345678,2026-05-01\n').rows).toHaveLength(1);
    expect(
      parseConsultations('client;consulted_at;numbers_submitted\nACME;01/05/2026;12 000\n').rows[0]
        ?.numbersSubmitted,
    ).toBe(12000);
    const assignments = parseAssignments(
      'caller_id,client,provider,campaign,valid_from,valid_to,dedicated\n01 62 00 00 00,ACME,p1,,2026-01-01,,oui\n0162000001,ACME,p1,,,,peut-être\n',
      'assignments.csv',
    );
    expect(assignments.rows[0]).toMatchObject({ callerId: '+33162000000', dedicated: true, validTo: null });
    expect(assignments.errors.map(formatRowError)).toEqual([
      'assignments.csv:3: dedicated: not a boolean "peut-être" (oui/non, true/false, 1/0)',
    ]);
    expect(
      parseContacts('number,type,postcode\n0612345678,professional,67000\n0612345679,,\n').rows.map(
        (r) => r.type,
      ),
    ).toEqual(['professional', 'consumer']);
    const campaigns = parseCampaigns(
      'campaign,client,purpose,sector,dialer\nC1,ACME,prospecting,Renewables,manual\nC2,,,,\n',
    );
    expect(campaigns.rows.map((r) => [r.sector, r.dialer, r.purpose])).toEqual([
      ['renewables', 'manual', 'prospecting'],
      [null, 'automated', null],
    ]);
  });
});

describe('RegistryIndex', () => {
  const consents = parseConsents(
    'number,granted_at,client,scope,revoked_at\n0612345678,2026-06-01,ACME,*,\n0612345678,2026-01-01,ACME,C1,\n0612345678,2026-03-01,BETA,*,\n',
  ).rows;
  const index = new RegistryIndex({
    ...EMPTY_REGISTRY,
    consents,
    customers: parseCustomers(
      'number,client,contract_start,contract_end\n0612345678,ACME,2026-01-01,2026-06-30\n',
    ).rows,
    refusals: parseRefusals('number,refused_at,client\n0612345678,2026-05-01,\n0612345678,2026-05-03,BETA\n')
      .rows,
    consultations: parseConsultations(
      'client,consulted_at\nACME,2026-05-01\nACME,2026-04-01\nACME,2026-06-01\n',
    ).rows,
    contacts: parseContacts('number,type,postcode\n0612345678,consumer,67000\n').rows,
    campaigns: parseCampaigns('campaign,client,sector\nC1,,cpf\nC1,ACME,renewables\n').rows,
  });
  const n = '+33612345678';

  it('answers by number, client and date', () => {
    expect(index.consentsFor(n, 'ACME').map((c) => c.scope)).toEqual(['C1', '*']);
    expect(index.contractInProgress(n, 'ACME', ms('2026-06-30T12:00:00Z'))).toBeDefined();
    expect(index.contractInProgress(n, 'ACME', ms('2026-07-01T12:00:00Z'))).toBeUndefined();
    expect(index.contractInProgress(n, 'BETA', ms('2026-03-01T12:00:00Z'))).toBeUndefined();
    expect(index.refusalsBefore(n, ms('2026-06-01T00:00:00Z'), 'ACME')).toHaveLength(1);
    expect(index.refusalsBefore(n, ms('2026-06-01T00:00:00Z'), 'BETA')).toHaveLength(2);
    expect(index.refusalsBefore(n, ms('2026-04-30T00:00:00Z'), 'BETA')).toHaveLength(0);
    expect(index.latestConsultation('ACME', ms('2026-05-20T00:00:00Z'))?.line).toBe(2);
    expect(index.latestConsultation('ACME', ms('2026-03-20T00:00:00Z'))).toBeUndefined();
    expect(index.contact(n)?.postcode).toBe('67000');
    expect(index.campaign('C1', 'ACME')?.sector).toBe('renewables');
    expect(index.campaign('C1', 'OTHER')?.sector).toBe('cpf');
  });
});
