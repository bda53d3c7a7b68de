/**
 * A duration column as seconds text: PBX web exports write `00:01:12` (h:mm:ss) or `1:12` (m:ss) where
 * CDR files write `72`. Anything else is passed through, for the common validation to quarantine.
 */
export function durationSecondsSql(expression: string): string {
  const part = (i: number) => `CAST(split_part(${expression}, ':', ${i}) AS BIGINT)`;
  return `(CASE WHEN regexp_full_match(${expression}, '\\d+:\\d{2}:\\d{2}') THEN CAST(${part(1)} * 3600 + ${part(2)} * 60 + ${part(3)} AS VARCHAR)
    WHEN regexp_full_match(${expression}, '\\d+:\\d{2}') THEN CAST(${part(1)} * 60 + ${part(2)} AS VARCHAR)
    ELSE ${expression} END)`;
}
