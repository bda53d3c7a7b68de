import type { NumberInfo } from '../numbering/model.ts';
import { numberKey } from './compact.ts';

/**
 * The numbering facts of `+33` numbers remembered per block of 1,000 (the national number's first 7
 * digits, ARCEP's finest EZABPQM block): everything the numbering core says of a number depends on
 * prefixes no longer than that (line type, NPV range, region, ARCEP block and territory), except its
 * own writings, which are made per number. describe-cache.test checks it against the core. Other
 * numbers go through `describe` (bounded cache).
 */
export function blockDescribe(describe: (number: string) => NumberInfo): (number: string) => NumberInfo {
  const blocks = new Map<number, NumberInfo>();
  const others = new Map<string, NumberInfo>();
  return (number) => {
    const key = numberKey(number);
    if (key < 0) {
      let info = others.get(number);
      if (info === undefined) {
        info = describe(number);
        if (others.size > 100_000) others.clear();
        others.set(number, info);
      }
      return info;
    }
    const block = (key / 1000) | 0;
    const known = blocks.get(block);
    if (known === undefined) {
      const info = describe(number);
      blocks.set(block, info);
      return info;
    }
    if (known.e164 === number) return known;
    const digits = `0${number.slice(3)}`;
    return {
      ...known,
      e164: number,
      national: `${digits.slice(0, 2)} ${digits.slice(2, 4)} ${digits.slice(4, 6)} ${digits.slice(6, 8)} ${digits.slice(8, 10)}`,
      nationalDigits: digits,
    };
  };
}
