import type { CallFormat } from '../model.ts';
import { asteriskFormat } from './asterisk.ts';
import { canonicalFormat } from './canonical.ts';
import { freeswitchFormat } from './freeswitch.ts';
import type { FormatSpec } from './spec.ts';
import { twilioFormat } from './twilio.ts';
import { vicidialFormat } from './vicidial.ts';

export const FORMATS: Readonly<Record<CallFormat, FormatSpec>> = {
  canonical: canonicalFormat,
  asterisk: asteriskFormat,
  freeswitch: freeswitchFormat,
  vicidial: vicidialFormat,
  twilio: twilioFormat,
};

export type { ColumnLookup, FormatSpec, Projection, SourceDefaults } from './spec.ts';
