import { OUTCOMES, type Outcome } from '../model.ts';
import { type FormatSpec, NULL, sqlText, statusMap, text } from './spec.ts';

const synonyms: Record<string, Outcome> = {
  'no-answer': 'no_answer',
  noanswer: 'no_answer',
  cancelled: 'canceled',
  invalid: 'invalid_number',
};

export const canonicalFormat: FormatSpec = {
  id: 'canonical',
  header: true,
  project(col, defaults) {
    const field = (name: string) => text(col(name));
    return {
      callId: field('call_id'),
      startedAt: field('started_at'),
      timeKind: 'local',
      // --caller (or `caller` in vigie-source.json) fills the rows that lack one, as for Asterisk.
      caller:
        defaults.caller === undefined
          ? field('caller')
          : `coalesce(${field('caller')}, ${sqlText(defaults.caller)})`,
      callee: field('callee'),
      direction: field('direction'),
      status: `upper(${field('outcome')})`,
      statuses: statusMap({ ...Object.fromEntries(OUTCOMES.map((o) => [o, o])), ...synonyms }),
      sipCode: field('sip_code'),
      q850Cause: field('q850_cause'),
      ringSeconds: field('ring_seconds'),
      talkSeconds: field('talk_seconds'),
      provider: field('provider'),
      site: field('site'),
      client: field('client'),
      campaign: field('campaign'),
      agent: field('agent'),
      purpose: field('purpose'),
      refused: field('refused'),
      attestation: field('attestation'),
      disposition: field('disposition'),
      mergeKey: NULL,
      legRank: NULL,
    };
  },
};
