import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FORMATS } from '../../src/records/formats/index.ts';
import { mapOutcome, outcomeSql } from '../../src/records/outcome.ts';

const canonicalStatuses = FORMATS.canonical.project(() => 'NULL', {}).statuses;
const asterisk = FORMATS.asterisk.project(() => 'NULL', {}).statuses;
const freeswitch = FORMATS.freeswitch.project(() => 'NULL', {}).statuses;
const vicidial = FORMATS.vicidial.project(() => 'NULL', {}).statuses;
const twilio = FORMATS.twilio.project(() => 'NULL', {}).statuses;

describe('records.md §3: evidence first, then the source’s status', () => {
  it.each([
    [607, null, 'ANSWERED', 'blocked', null],
    [608, null, null, 'blocked', null],
    [603, null, null, 'rejected', null],
    [null, 21, null, 'rejected', null],
    [486, 21, null, 'busy', null],
    [403, null, null, 'rejected', 'identity_failed'],
    [438, null, null, 'rejected', 'identity_failed'],
    [404, null, null, 'invalid_number', null],
    [null, 28, null, 'invalid_number', null],
    [600, null, null, 'busy', null],
    [null, 17, null, 'busy', null],
    [480, null, null, 'no_answer', null],
    [null, 19, null, 'no_answer', null],
    [487, null, null, 'canceled', null],
    [503, null, null, 'failed', null],
    [null, 127, null, 'failed', null],
    [200, 16, 'ANSWERED', 'answered', null],
  ] as const)('SIP %s, Q.850 %s, status %s → %s', (sipCode, q850Cause, status, outcome, signal) => {
    expect(mapOutcome({ sipCode, q850Cause, status }, asterisk)).toEqual({ outcome, signal });
  });

  it.each([
    [asterisk, 'NO ANSWER', 'no_answer'],
    [asterisk, 'CONGESTION', 'failed'],
    [asterisk, 'CANCEL', 'canceled'],
    [freeswitch, 'UNWANTED', 'blocked'],
    [freeswitch, 'CALL_REJECTED', 'rejected'],
    [freeswitch, 'UNALLOCATED_NUMBER', 'invalid_number'],
    [freeswitch, 'ORIGINATOR_CANCEL', 'canceled'],
    [vicidial, 'SALE', 'answered'],
    [vicidial, 'AM', 'voicemail'],
    [vicidial, 'AB', 'busy'],
    [vicidial, 'DC', 'invalid_number'],
    [vicidial, 'ADCT', 'rejected'],
    [vicidial, 'PDROP', 'answered'],
    [twilio, 'COMPLETED_MACHINE', 'voicemail'],
    [twilio, 'NO-ANSWER', 'no_answer'],
    [canonicalStatuses, 'CANCELLED', 'canceled'],
  ] as const)('status %s → %s', (statuses, status, outcome) => {
    expect(mapOutcome({ sipCode: null, q850Cause: null, status }, statuses)?.outcome).toBe(outcome);
  });

  it('knows nothing of an unknown status without evidence', () => {
    expect(
      mapOutcome({ sipCode: null, q850Cause: null, status: 'PEUT-ÊTRE' }, canonicalStatuses),
    ).toBeUndefined();
  });

  it('the SQL used at ingest maps exactly as the TypeScript', async () => {
    const words = [...vicidial.keys(), 'UNKNOWN', 'ANSWERED'];
    const samples = fc.sample(
      fc.record({
        sip: fc.option(
          fc.oneof(
            fc.constantFrom(200, 403, 404, 408, 428, 480, 486, 487, 503, 600, 603, 604, 607, 608),
            fc.integer({ min: 100, max: 699 }),
          ),
        ),
        q850: fc.option(
          fc.oneof(
            fc.constantFrom(1, 3, 16, 17, 18, 19, 20, 21, 22, 28, 34, 38, 41, 42, 102, 127),
            fc.integer({ min: 0, max: 127 }),
          ),
        ),
        status: fc.option(fc.constantFrom(...words)),
      }),
      { numRuns: 1500, seed: 7 },
    );
    const { outcome, signal } = outcomeSql('sip', 'q850', 'status', vicidial);
    const values = samples.map(
      (s) => `(${s.sip ?? 'NULL'}, ${s.q850 ?? 'NULL'}, ${s.status === null ? 'NULL' : `'${s.status}'`})`,
    );
    const connection = await (await DuckDBInstance.create(':memory:')).connect();
    const reader = await connection.runAndReadAll(
      `SELECT ${outcome} AS outcome, ${signal} AS signal FROM (VALUES ${values.join(', ')}) v(sip, q850, status)`,
    );
    const fromSql = reader.getRowObjectsJS();
    samples.forEach((s, i) => {
      const expected = mapOutcome({ sipCode: s.sip, q850Cause: s.q850, status: s.status }, vicidial);
      expect({ s, got: fromSql[i] }).toEqual({
        s,
        got: { outcome: expected?.outcome ?? null, signal: expected?.signal ?? null },
      });
    });
    connection.closeSync();
  });
});
