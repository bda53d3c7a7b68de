import type { Command } from 'commander';
import type { Environment } from '../../config/env.ts';
import { arcepStats } from '../../numbering/arcep.ts';
import { callerIdCategory, describeNumber } from '../../numbering/describe.ts';
import type { NumberInfo, Territory } from '../../numbering/model.ts';
import { normalisePhone } from '../../numbering/phone.ts';
import {
  importArcepFiles,
  loadArcepIndex,
  type NumberingLocation,
  userArcepPath,
  writeArcepIndexFile,
} from '../../numbering/store.ts';
import { UsageError } from '../../shared/errors.ts';
import type { CliContext } from '../context.ts';
import { toJson } from '../format.ts';

/** The `vigie <name>` command group, created once and reused by every module that adds a subcommand. */
function commandGroup(program: Command, name: string, description: string): Command {
  return (
    program.commands.find((command) => command.name() === name) ??
    program.command(name).description(description)
  );
}

/** `vigie number`: numbering facts here, reputation verbs (show, suspend…) elsewhere. */
export function numberCommand(program: Command): Command {
  return commandGroup(program, 'number', 'one phone number: numbering facts and reputation');
}

/** `VIGIE_NUMBERING_DIR`, once the environment carries it (`numberingDir`); else the home default. */
function numberingLocation(env: Environment): NumberingLocation {
  return 'numberingDir' in env && typeof env.numberingDir === 'string' && env.numberingDir !== ''
    ? { dir: env.numberingDir }
    : {};
}

const TERRITORY_NAMES: Readonly<Record<Territory, string>> = {
  metropole: 'France métropolitaine',
  guadeloupe: 'Guadeloupe',
  saint_martin: 'Saint-Martin',
  saint_barthelemy: 'Saint-Barthélemy',
  guyane: 'Guyane',
  martinique: 'Martinique',
  reunion: 'La Réunion',
  mayotte: 'Mayotte',
  saint_pierre_et_miquelon: 'Saint-Pierre-et-Miquelon',
  foreign: 'étranger',
};

const LINE_TYPE_NAMES: Readonly<Record<NumberInfo['lineType'], string>> = {
  geographic: 'géographique',
  mobile: 'mobile',
  non_geographic_09: 'non géographique (09)',
  special_free: 'spécial gratuit (0800–0805)',
  special_normal: 'spécial prix d’un appel normal (0806–0809)',
  special_premium: 'spécial surtaxé (081, 082, 089)',
  short: 'numéro court',
  hidden: 'masqué',
  foreign: 'étranger',
  unknown: 'hors plan de numérotation',
};

function frenchDate(iso: string): string {
  const [year, month, day] = iso.split('-');
  return `${day}/${month}/${year}`;
}

function renderInfo(info: NumberInfo, category: string, source: string): string {
  const territory = TERRITORY_NAMES[info.territory];
  const others = (info.possibleTerritories ?? [])
    .filter((t) => t !== info.territory)
    .map((t) => TERRITORY_NAMES[t]);
  const certainty =
    info.territoryCertain === false
      ? others.length > 0 && others.length < 8
        ? ` (ou ${others.join(', ')} : le code postal décide)`
        : ' (peut être utilisé partout : le code postal décide)'
      : '';
  const attribution = info.attribution;
  const rows: [string, string][] = [
    ['numéro', info.e164],
    ['écriture nationale', info.national],
    ['territoire', `${territory}${certainty}`],
    ['fuseau horaire', info.timeZone],
    ['type de ligne', `${LINE_TYPE_NAMES[info.lineType]} (${info.lineType})`],
    ['région', info.region ?? '—'],
    ['plage démarchage (NPV)', info.telemarketingRange ? 'oui' : 'non'],
    ['catégorie caller ID', category],
    [
      'attribution ARCEP',
      attribution === null
        ? info.lineType === 'hidden' || info.lineType === 'foreign'
          ? '—'
          : 'non attribué (aucun bloc MAJNUM)'
        : `bloc ${attribution.block}, ${attribution.operatorCode}` +
          `${attribution.operatorName === null ? '' : ` (${attribution.operatorName})`}, ` +
          `${attribution.territory}, attribué le ${frenchDate(attribution.attributedOn)}`,
    ],
    ['données ARCEP', source],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}

export function registerNumberInfo(program: Command, ctx: CliContext): void {
  numberCommand(program)
    .command('info')
    .description('territory, time zone, line type, NPV range and ARCEP attribution of a number')
    .argument('<number>', 'E.164 (+33162000000), national (01 62 00 00 00), short (3010) or anonymous')
    .option('--json', 'one JSON object')
    .action((raw: string, flags: { json?: boolean }) => {
      const normalised = normalisePhone(raw);
      if (!normalised.ok) {
        throw new UsageError(
          `${JSON.stringify(raw)} is not a valid phone number (${normalised.reason}); ` +
            'expected +33162000000, 01 62 00 00 00, a short number such as 3010, or anonymous',
        );
      }
      const loaded = loadArcepIndex(numberingLocation(ctx.env));
      const info = describeNumber(normalised.value, loaded.index);
      const category = callerIdCategory(info);
      if (flags.json) {
        ctx.out(
          toJson({
            ...info,
            callerIdCategory: category,
            numberingData: { source: loaded.source, path: loaded.path, vintage: loaded.index.vintage },
          }),
        );
        return;
      }
      const source = `${loaded.source === 'shipped' ? 'copie livrée' : 'copie mise à jour'}, millésime ${loaded.index.vintage ?? 'inconnu'} (${loaded.path})`;
      ctx.out(renderInfo(info, category, source));
    });

  commandGroup(program, 'numbering', 'ARCEP numbering data (MAJNUM.csv, MAJRIO.csv)')
    .command('update')
    .description('load a newer MAJNUM.csv (and MAJRIO.csv) downloaded from ARCEP into a compact local copy')
    .requiredOption('--majnum <file>', 'MAJNUM.csv as published by ARCEP (Windows-1252, ;)')
    .option('--rio <file>', 'MAJRIO.csv for operator names (else the names in use are kept)')
    .action((flags: { majnum: string; rio?: string }) => {
      const location = numberingLocation(ctx.env);
      const current = loadArcepIndex(location);
      const { index, stats, issues } = importArcepFiles(
        { majnum: flags.majnum, rio: flags.rio },
        current.index,
      );
      const before = arcepStats(current.index);
      const path = userArcepPath(location);
      const bytes = writeArcepIndexFile(path, index);
      for (const issue of issues.slice(0, 10)) {
        ctx.err(`${issue.line > 0 ? `${flags.majnum}:${issue.line}: ` : ''}${issue.reason}`);
      }
      if (issues.length > 10) ctx.err(`… and ${issues.length - 10} more skipped lines`);
      if (stats.blocks < before.blocks / 2) {
        ctx.err(
          `warning: ${stats.blocks} blocks against ${before.blocks} before: is ${flags.majnum} complete?`,
        );
      }
      ctx.out(
        [
          `${stats.blocks} blocs chargés (${issues.length} lignes écartées), ${stats.operators} opérateurs dont ${stats.namedOperators} nommés`,
          `territoires : ${stats.territories.join(' · ')}`,
          `millésime ${stats.vintage ?? 'inconnu'} (avant : ${before.blocks} blocs, millésime ${before.vintage ?? 'inconnu'})`,
          `écrit dans ${path} (${(bytes / 1024).toFixed(1)} Kio)`,
        ].join('\n'),
      );
    });
}
