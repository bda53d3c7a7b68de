import type { Violation } from '../law/evaluate.ts';

/** Characters `JSON.stringify` would escape in a string (quotes, backslash, controls, surrogates). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON escapes exactly the control characters.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** `JSON.stringify(s)`, without its cost when nothing needs escaping (nearly always). */
export function quote(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

export function quoteOrNull(s: string | null): string {
  return s === null ? 'null' : quote(s);
}

/**
 * `JSON.stringify(v)` of a violation, byte for byte (same keys in the same order), by concatenation;
 * with `callId`, that of `{ ...v, callId }`. The rule id, the severity, the IANA zone and the two ISO
 * times are Vigie's own ASCII (letters, digits, `._:+-/`): written as they are, without a test.
 */
export function violationJson(v: Violation, callId: string = v.callId): string {
  return `{"rule":"${v.rule}","callId":${quote(callId)},"caller":${quote(v.caller)},"callee":${quote(v.callee)},"startedAt":"${v.startedAt}","localTime":"${v.localTime}","timeZone":"${v.timeZone}","provider":${quote(v.provider)},"client":${quoteOrNull(v.client)},"campaign":${quoteOrNull(v.campaign)},"severity":"${v.severity}","explanation":${quote(v.explanation)}}`;
}
