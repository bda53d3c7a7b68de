/** A user-facing message in both of Vigie's languages: French first, English second. */
export interface Message {
  readonly fr: string;
  readonly en: string;
}
