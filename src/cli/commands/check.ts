import type { Command } from 'commander';
import { storedHistory } from '../../audit/stored.ts';
import { checkCall, type ProposedCall } from '../../law/evaluate.ts';
import { holidayYearTabulated } from '../../law/holidays.ts';
import { normalisePhone } from '../../numbering/phone.ts';
import type { CallRecord } from '../../records/model.ts';
import { PURPOSES, type Purpose } from '../../records/model.ts';
import { parseDateTime } from '../../registry/datetime.ts';
import { EMPTY_REGISTRY, REGISTRY_FILES, type RegistryData } from '../../registry/model.ts';
import { RegistryIndex } from '../../registry/registry-index.ts';
import { UsageError } from '../../shared/errors.ts';
import type { CliContext } from '../context.ts';
import { toJson } from '../format.ts';
import {
  addRegistryOptions,
  lawFacts,
  loadRules,
  type RegistryFlags,
  registerHolidayLibrary,
} from './law-options.ts';

/** `EXIT.refused` of main.ts (not imported: main.ts imports the commands). */
const REFUSED = 4;

interface CheckFlags extends RegistryFlags {
  readonly caller: string;
  readonly callee: string;
  readonly at?: string;
  readonly client?: string;
  readonly campaign?: string;
  readonly purpose: string;
  readonly provider?: string;
  readonly rules?: string;
  readonly json?: boolean;
  readonly db?: string;
}

function phone(flag: string, value: string): string {
  const result = normalisePhone(value);
  if (!result.ok) throw new UsageError(`--${flag} ${value}: not a valid phone number`);
  return result.value;
}

export function registerCheck(program: Command, ctx: CliContext): void {
  const command = program
    .command('check')
    .description('may this call be placed now (or at --at)? exit 0 when allowed, 4 when refused')
    .requiredOption('--caller <number>', 'caller ID to present')
    .requiredOption('--callee <number>', 'number to call')
    .option('--at <time>', 'ISO 8601 time of the call (default: now); a naive time is read in Paris')
    .option('--client <name>', 'client (donneur d’ordre) the call is made for')
    .option('--campaign <id>', 'campaign (consent scope, campaigns.csv)')
    .option('--purpose <purpose>', PURPOSES.join(', '), 'prospecting')
    .option('--provider <name>', 'provider placing the call')
    .option('--json', 'JSON {"allowed", "reasons"}')
    .option('--db <path>', 'also use the stored calls (frequency, refused calls) and the stored registry');
  addRegistryOptions(command, false).action(async (flags: CheckFlags) => {
    const purpose = PURPOSES.find((p): p is Purpose => p === flags.purpose);
    if (purpose === undefined)
      throw new UsageError(`--purpose ${flags.purpose}: expected ${PURPOSES.join(', ')}`);
    let at = new Date();
    if (flags.at !== undefined) {
      const parsed = parseDateTime(flags.at.trim(), 'Europe/Paris');
      if (!parsed.ok)
        throw new UsageError(`--at ${flags.at}: expected an ISO 8601 time (2026-11-23T10:15:00+01:00)`);
      at = new Date(parsed.value.ms);
    }
    const rules = loadRules(flags.rules);
    const year = at.getUTCFullYear();
    if (!holidayYearTabulated(year - 1) || !holidayYearTabulated(year + 1)) await registerHolidayLibrary();
    // The registry files reader (csv-parse) loads only when files are named: it costs start-up time.
    let files: { readonly data: RegistryData; readonly index: RegistryIndex } | undefined;
    if (hasRegistryFlags(flags)) {
      const { loadRegistryFromFlags, reportRowErrors } = await import('./audit.ts');
      const loaded = loadRegistryFromFlags(flags);
      reportRowErrors(ctx, loaded.errors);
      files = loaded;
    } else if (flags.db === undefined) {
      files = { data: EMPTY_REGISTRY, index: new RegistryIndex() };
    }
    const proposed: ProposedCall = {
      caller: phone('caller', flags.caller),
      callee: phone('callee', flags.callee),
      at,
      client: flags.client ?? null,
      campaign: flags.campaign ?? null,
      purpose,
      ...(flags.provider === undefined ? {} : { provider: flags.provider }),
    };
    let history: CallRecord[] = [];
    let registry = files?.index;
    if (flags.db !== undefined) {
      const { openStore } = await import('../../store/store.ts');
      const { loadStoredRegistry } = await import('../../registry/store.ts');
      const store = await openStore({ path: flags.db, readOnly: true });
      try {
        const days = rules['frequency.30d'].params.windowDays + 2;
        history = await storedHistory(store, proposed.callee, at, days);
        const stored = await loadStoredRegistry(store, proposed);
        registry = new RegistryIndex(files === undefined ? stored : mergeRegistries(files.data, stored));
      } finally {
        store.close();
      }
    }
    const decision = checkCall(proposed, history, lawFacts(ctx.env, registry ?? new RegistryIndex()), rules);
    if (flags.json === true) {
      ctx.out(toJson(decision));
    } else {
      ctx.out(decision.allowed ? 'allowed / autorisé' : 'refused / refusé');
      for (const r of decision.reasons) ctx.out(`  ${r.severity.padEnd(9)} ${r.rule}: ${r.explanation}`);
    }
    if (!decision.allowed) ctx.setExitCode(REFUSED);
  });
}

function hasRegistryFlags(flags: CheckFlags): boolean {
  return flags.registry !== undefined || REGISTRY_FILES.some((kind) => flags[kind] !== undefined);
}

/** The rows of the files given on the command line, then the stored ones. */
function mergeRegistries(a: RegistryData, b: RegistryData): RegistryData {
  return {
    consents: [...a.consents, ...b.consents],
    customers: [...a.customers, ...b.customers],
    refusals: [...a.refusals, ...b.refusals],
    dnc: [...a.dnc, ...b.dnc],
    bloctel: [...a.bloctel, ...b.bloctel],
    consultations: [...a.consultations, ...b.consultations],
    assignments: [...a.assignments, ...b.assignments],
    contacts: [...a.contacts, ...b.contacts],
    campaigns: [...a.campaigns, ...b.campaigns],
  };
}
