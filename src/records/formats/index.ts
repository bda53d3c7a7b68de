import { UsageError } from '../../shared/errors.ts';
import type { ColumnMap } from '../column-map.ts';
import { mappedFormat } from '../column-map.ts';
import { compileDateFormat } from '../date-format.ts';
import type { CallFormat } from '../model.ts';
import { asteriskFormat } from './asterisk.ts';
import { asteriskCustomFormat } from './asterisk-custom.ts';
import { canonicalFormat } from './canonical.ts';
import { freepbxFormat } from './freepbx.ts';
import { freeswitchFormat } from './freeswitch.ts';
import type { FormatSpec } from './spec.ts';
import { threecxFormat } from './threecx.ts';
import { twilioFormat } from './twilio.ts';
import { vicidialFormat } from './vicidial.ts';

/** The formats whose layout does not depend on what the user gives (a template, a column map). */
type BuiltInFormat = Exclude<CallFormat, 'asterisk-custom' | 'map'>;

export const FORMATS: Readonly<Record<BuiltInFormat, FormatSpec>> = {
  canonical: canonicalFormat,
  asterisk: asteriskFormat,
  freeswitch: freeswitchFormat,
  vicidial: vicidialFormat,
  twilio: twilioFormat,
  freepbx: freepbxFormat,
  '3cx': threecxFormat,
};

/** What the user states about a file's layout besides `--format`. */
export interface LayoutOptions {
  /** `--asterisk-template`: a cdr_custom mapping line or list of CDR variables. */
  readonly asteriskTemplate?: string;
  /** `--map FILE` or the `columns` block of a `vigie-source.json`. */
  readonly columnMap?: ColumnMap;
  /** `--date-format`: the layout of naive start times, overriding the map's `date_format`. */
  readonly dateFormat?: string;
}

/** The format to read a file with: the one asked for, else the one a template or map implies, else detected. */
export function chooseFormat(
  requested: CallFormat | 'auto' | undefined,
  options: LayoutOptions,
  detect: () => CallFormat | undefined,
): CallFormat | undefined {
  if (requested !== undefined && requested !== 'auto') return requested;
  if (options.columnMap !== undefined) return 'map';
  if (options.asteriskTemplate !== undefined) return 'asterisk-custom';
  return detect();
}

/** The format spec of `id`, built from the template or map it needs, with the stated date format. */
export function formatSpecFor(id: CallFormat, options: LayoutOptions): FormatSpec {
  let spec: FormatSpec;
  if (id === 'map') {
    if (options.columnMap === undefined)
      throw new UsageError('--format map needs a column map: --map FILE, or "columns" in vigie-source.json');
    spec = mappedFormat(options.columnMap);
  } else if (id === 'asterisk-custom') {
    if (options.asteriskTemplate === undefined)
      throw new UsageError(
        '--format asterisk-custom needs --asterisk-template (the Master.csv => … line of cdr_custom.conf)',
      );
    spec = asteriskCustomFormat(options.asteriskTemplate);
  } else spec = FORMATS[id];
  if (options.dateFormat === undefined) return spec;
  const compiled = compileDateFormat(options.dateFormat);
  if (!compiled.ok) throw new UsageError(`--date-format '${options.dateFormat}': ${compiled.reason}`);
  const base = spec;
  return {
    ...base,
    project: (col, defaults) => ({ ...base.project(col, defaults), dateFormat: compiled.format }),
  };
}

export type { ColumnLookup, FormatSpec, Projection, SourceDefaults } from './spec.ts';
