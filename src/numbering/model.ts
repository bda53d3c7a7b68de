/** Where a French number lives: metropolitan France, an overseas territory, or abroad. */
export type Territory =
  | 'metropole'
  | 'guadeloupe'
  | 'saint_martin'
  | 'saint_barthelemy'
  | 'guyane'
  | 'martinique'
  | 'reunion'
  | 'mayotte'
  | 'saint_pierre_et_miquelon'
  | 'foreign';

export type LineType =
  | 'geographic'
  | 'mobile'
  | 'non_geographic_09'
  | 'special_free'
  | 'special_normal'
  | 'special_premium'
  | 'short'
  | 'hidden'
  | 'foreign'
  | 'unknown';

/** ARCEP's attribution of the block a number lies in (MAJNUM.csv + MAJRIO.csv). */
export interface Attribution {
  /** The block's prefix (EZABPQM column). */
  readonly block: string;
  readonly operatorCode: string;
  readonly operatorName: string | null;
  readonly territory: string;
  /** ISO date (YYYY-MM-DD). */
  readonly attributedOn: string;
}

/** Everything the numbering core knows about one number (pure; no I/O). */
export interface NumberInfo {
  readonly e164: string;
  /** National writing, French style: `01 62 00 00 00`. */
  readonly national: string;
  readonly territory: Territory;
  /** IANA zone of the territory (Europe/Paris for metropolitan numbers, including mobiles). */
  readonly timeZone: string;
  readonly lineType: LineType;
  /** Geographic region for 01–05 numbers (`Île-de-France`, `Nord-Ouest`, …). */
  readonly region: string | null;
  /** True when the number lies in ARCEP's verified telemarketing (NPV) ranges. */
  readonly telemarketingRange: boolean;
  /** null when no attributed block contains the number. */
  readonly attribution: Attribution | null;
  /** The French national digits (`0162000000`, `0590271234`) or the short number; null when hidden or foreign. */
  readonly nationalDigits?: string | null;
  /**
   * False when the number alone does not prove where the callee is: metropolitan 06/07/08/09 numbers
   * (usable anywhere), prefixes shared by several territories (+590, some Indian Ocean blocks), hidden,
   * short and foreign numbers. A postcode from `contacts.csv` should then decide.
   */
  readonly territoryCertain?: boolean;
  /** The French territories the number is compatible with: one when `territoryCertain`, none when foreign. */
  readonly possibleTerritories?: readonly Territory[];
  /** False when no ARCEP index was given: `attribution` is then unknown rather than absent. */
  readonly attributionChecked?: boolean;
}
