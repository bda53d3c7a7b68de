import { PURPOSES } from '../records/model.ts';
import { readTable, RowReader } from './csv.ts';
import type {
  Assignment,
  BloctelListing,
  Campaign,
  Consent,
  Consultation,
  Contact,
  Customer,
  DncEntry,
  ParseResult,
  Refusal,
  RegistryData,
  RegistryFile,
  RowError,
} from './model.ts';

export interface RegistryParseOptions {
  /** The zone in which naive dates and times of the registry are read (default Europe/Paris). */
  readonly timeZone?: string;
}

const DEFAULT_ZONE = 'Europe/Paris';

function parseRows<T>(
  text: string,
  file: string,
  required: readonly string[],
  options: RegistryParseOptions,
  build: (r: RowReader, line: number) => T,
): ParseResult<T> {
  const table = readTable(text, file, required);
  const errors: RowError[] = [...table.errors];
  const rows: T[] = [];
  for (const row of table.rows) {
    const reader = new RowReader(row, file, errors, options.timeZone ?? DEFAULT_ZONE);
    const value = build(reader, row.line);
    if (!reader.failed) rows.push(value);
  }
  return { rows, errors };
}

/** consents.csv: `number, granted_at, client, scope, source, proof, revoked_at` (+ optional `slot_from, slot_to`). */
export function parseConsents(
  text: string,
  file = 'consents.csv',
  options: RegistryParseOptions = {},
): ParseResult<Consent> {
  return parseRows(text, file, ['number', 'granted_at', 'client'], options, (r, line) => ({
    file,
    line,
    number: r.phone('number'),
    grantedAt: r.date('granted_at', { required: true }) ?? 0,
    client: r.requiredText('client'),
    scope: r.text('scope') ?? '*',
    source: r.text('source'),
    proof: r.text('proof'),
    revokedAt: r.date('revoked_at', { required: false }),
    slotFrom: r.date('slot_from', { required: false }),
    slotTo: r.date('slot_to', { required: false, end: true }),
  }));
}

/** customers.csv: `number, client, contract_start, contract_end`. */
export function parseCustomers(
  text: string,
  file = 'customers.csv',
  options: RegistryParseOptions = {},
): ParseResult<Customer> {
  return parseRows(text, file, ['number', 'client', 'contract_start'], options, (r, line) => ({
    file,
    line,
    number: r.phone('number'),
    client: r.requiredText('client'),
    contractStart: r.date('contract_start', { required: true }) ?? 0,
    contractEnd: r.date('contract_end', { required: false, end: true }),
  }));
}

/** refusals.csv: `number, refused_at, client` (empty client: every client). */
export function parseRefusals(
  text: string,
  file = 'refusals.csv',
  options: RegistryParseOptions = {},
): ParseResult<Refusal> {
  return parseRows(text, file, ['number', 'refused_at'], options, (r, line) => ({
    file,
    line,
    number: r.phone('number'),
    refusedAt: r.date('refused_at', { required: true }) ?? 0,
    client: r.text('client'),
  }));
}

/** dnc.csv: `number, added_at, reason`. */
export function parseDnc(
  text: string,
  file = 'dnc.csv',
  options: RegistryParseOptions = {},
): ParseResult<DncEntry> {
  return parseRows(text, file, ['number'], options, (r, line) => ({
    file,
    line,
    number: r.phone('number'),
    addedAt: r.date('added_at', { required: false }),
    reason: r.text('reason'),
  }));
}

/** bloctel.csv: `number, consulted_at` (+ optional `client`). */
export function parseBloctel(
  text: string,
  file = 'bloctel.csv',
  options: RegistryParseOptions = {},
): ParseResult<BloctelListing> {
  return parseRows(text, file, ['number', 'consulted_at'], options, (r, line) => ({
    file,
    line,
    number: r.phone('number'),
    consultedAt: r.date('consulted_at', { required: true }) ?? 0,
    client: r.text('client'),
  }));
}

/** consultations.csv: `client, consulted_at, numbers_submitted`. */
export function parseConsultations(
  text: string,
  file = 'consultations.csv',
  options: RegistryParseOptions = {},
): ParseResult<Consultation> {
  return parseRows(text, file, ['client', 'consulted_at'], options, (r, line) => ({
    file,
    line,
    client: r.requiredText('client'),
    consultedAt: r.date('consulted_at', { required: true }) ?? 0,
    numbersSubmitted: r.integer('numbers_submitted'),
  }));
}

/** assignments.csv: `caller_id, client, provider, campaign, valid_from, valid_to, dedicated`. */
export function parseAssignments(
  text: string,
  file = 'assignments.csv',
  options: RegistryParseOptions = {},
): ParseResult<Assignment> {
  return parseRows(text, file, ['caller_id', 'client'], options, (r, line) => ({
    file,
    line,
    callerId: r.phone('caller_id'),
    client: r.requiredText('client'),
    provider: r.text('provider'),
    campaign: r.text('campaign'),
    validFrom: r.date('valid_from', { required: false }),
    validTo: r.date('valid_to', { required: false, end: true }),
    dedicated: r.boolean('dedicated', false),
  }));
}

/** contacts.csv: `number, type, postcode`. */
export function parseContacts(
  text: string,
  file = 'contacts.csv',
  options: RegistryParseOptions = {},
): ParseResult<Contact> {
  return parseRows(text, file, ['number'], options, (r, line) => ({
    file,
    line,
    number: r.phone('number'),
    type: r.oneOf('type', ['consumer', 'professional'] as const, 'consumer') ?? 'consumer',
    postcode: r.text('postcode'),
  }));
}

/** campaigns.csv: `campaign, client, purpose, sector, dialer`. */
export function parseCampaigns(
  text: string,
  file = 'campaigns.csv',
  options: RegistryParseOptions = {},
): ParseResult<Campaign> {
  return parseRows(text, file, ['campaign'], options, (r, line) => ({
    file,
    line,
    campaign: r.requiredText('campaign'),
    client: r.text('client'),
    purpose: r.oneOf('purpose', PURPOSES, null),
    sector: r.text('sector')?.toLowerCase() ?? null,
    dialer: r.oneOf('dialer', ['automated', 'manual'] as const, 'automated') ?? 'automated',
  }));
}

/** The parser of each registry file. */
export const REGISTRY_PARSERS = {
  consents: parseConsents,
  customers: parseCustomers,
  refusals: parseRefusals,
  dnc: parseDnc,
  bloctel: parseBloctel,
  consultations: parseConsultations,
  assignments: parseAssignments,
  contacts: parseContacts,
  campaigns: parseCampaigns,
} as const satisfies Record<RegistryFile, unknown>;

export interface RegistryText {
  /** The file's name as users know it (for errors and evidence). */
  readonly file: string;
  readonly text: string;
}

/** Parses whichever registry files are given; absent ones are empty. */
export function parseRegistry(
  files: Partial<Record<RegistryFile, RegistryText>>,
  options: RegistryParseOptions = {},
): { readonly data: RegistryData; readonly errors: RowError[] } {
  const errors: RowError[] = [];
  const run = <T>(result: ParseResult<T> | undefined): T[] => {
    if (result === undefined) return [];
    errors.push(...result.errors);
    return result.rows;
  };
  const f = files;
  const data: RegistryData = {
    consents: run(f.consents && parseConsents(f.consents.text, f.consents.file, options)),
    customers: run(f.customers && parseCustomers(f.customers.text, f.customers.file, options)),
    refusals: run(f.refusals && parseRefusals(f.refusals.text, f.refusals.file, options)),
    dnc: run(f.dnc && parseDnc(f.dnc.text, f.dnc.file, options)),
    bloctel: run(f.bloctel && parseBloctel(f.bloctel.text, f.bloctel.file, options)),
    consultations: run(
      f.consultations && parseConsultations(f.consultations.text, f.consultations.file, options),
    ),
    assignments: run(f.assignments && parseAssignments(f.assignments.text, f.assignments.file, options)),
    contacts: run(f.contacts && parseContacts(f.contacts.text, f.contacts.file, options)),
    campaigns: run(f.campaigns && parseCampaigns(f.campaigns.text, f.campaigns.file, options)),
  };
  return { data, errors };
}
