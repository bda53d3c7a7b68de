import type { CallerKind } from './config.ts';
import type { Territory } from './calendar.ts';

/**
 * Number blocks the simulator draws from: all attributed by ARCEP (MAJNUM.csv, April 2026), so that
 * only the caller IDs the model means to be wrong are wrong. National writings, leading 0 included.
 */
export const CALLER_BLOCKS: Readonly<Record<CallerKind, readonly string[]>> = {
  // The verified telemarketing (NPV) ranges.
  npv: [
    '016203',
    '016206',
    '016207',
    '027000',
    '027001',
    '037700',
    '037701',
    '042400',
    '042401',
    '056800',
    '056801',
    '094803',
    '094805',
  ],
  ordinary_01: ['018620', '018621'],
  ordinary_09: ['097400', '097404'],
  mobile: ['0612'],
};

export type CalleeCategory = `${Territory}:${'mobile' | 'fixed' | 'voip'}`;

export const CALLEE_BLOCKS: Readonly<Partial<Record<CalleeCategory, readonly string[]>>> = {
  'metropole:mobile': [
    '0612',
    '0613',
    '0614',
    '0620',
    '0621',
    '0622',
    '0630',
    '0631',
    '0607',
    '0608',
    '0642',
    '0643',
  ],
  'metropole:fixed': ['0140', '0145', '0320', '0472', '0491', '0556', '0240', '0388'],
  'metropole:voip': ['09750', '09752', '09753', '09754', '09771', '09773'],
  'guadeloupe:fixed': ['05902', '05908'],
  'guadeloupe:mobile': ['06905'],
  'martinique:fixed': ['05965', '05966'],
  'martinique:mobile': ['06962', '06963'],
  'guyane:mobile': ['06942'],
  'reunion:fixed': ['02622', '02624'],
  'reunion:mobile': ['06922', '06923'],
  'mayotte:fixed': ['026950', '026951'],
  'mayotte:mobile': ['063900', '063901', '063902'],
};

export const COUNTRY_CODES: Readonly<Record<Territory, string>> = {
  metropole: '33',
  guadeloupe: '590',
  martinique: '596',
  guyane: '594',
  reunion: '262',
  mayotte: '262',
};

/**
 * Hands out distinct numbers of a list of blocks: the k-th number goes to block k mod B, at a
 * position scrambled by a multiplier coprime with 10 (a bijection of the block).
 */
export class BlockAllocator {
  readonly #blocks: readonly string[];
  #next = 0;

  constructor(blocks: readonly string[]) {
    this.#blocks = blocks;
  }

  get capacity(): number {
    return this.#blocks.reduce((sum, b) => sum + 10 ** (10 - b.length), 0);
  }

  /** The national writing (10 digits) of the next number, or undefined when the blocks are full. */
  next(offset: number): string | undefined {
    const k = this.#next++;
    const b = this.#blocks.length;
    const block = this.#blocks[k % b];
    if (block === undefined) return undefined;
    const digits = 10 - block.length;
    const size = 10 ** digits;
    const position = Math.floor(k / b);
    if (position >= size) return undefined;
    const scrambled = (position * 7_654_321 + offset + (k % b) * 3_571) % size;
    return block + String(scrambled).padStart(digits, '0');
  }
}

/** `0612345678` → `06 12 34 56 78`. */
export function frenchSpaced(national: string): string {
  return national.replace(/(\d{2})(?=\d)/g, '$1 ');
}
