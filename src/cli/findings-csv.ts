import type { FindingsFormat } from '../audit/findings.ts';
import type { Violation } from '../law/evaluate.ts';
import { csvCell } from './format.ts';

/** The columns of `vigie audit --format csv`, in order. */
export const CSV_COLUMNS = [
  'rule',
  'callId',
  'caller',
  'callee',
  'startedAt',
  'localTime',
  'timeZone',
  'provider',
  'client',
  'campaign',
  'severity',
  'explanation',
] as const satisfies readonly (keyof Violation)[];

/**
 * Findings kept as their CSV rows (`renderCsv`'s cells): a stored audit asked for CSV writes each row
 * once, in the worker that finds it, and the main thread only copies the rows out in order.
 */
export const CSV_FINDINGS: FindingsFormat = {
  name: 'csv',
  encode: (v, callId) => CSV_COLUMNS.map((c) => csvCell(c === 'callId' ? callId : v[c])).join(','),
  frame: {
    open: `${CSV_COLUMNS.map(csvCell).join(',')}\n`,
    separator: '\n',
    close: '',
    empty: CSV_COLUMNS.map(csvCell).join(','),
  },
};
