import { createRequire } from 'node:module';
import type * as Max from 'libphonenumber-js/max';

/**
 * libphonenumber-js and its metadata, loaded on first use (~50 ms of start-up): clean French E.164
 * numbers are validated from the metadata's patterns alone (`normalisePhone`'s fast path).
 */
const require = createRequire(import.meta.url);

type Library = typeof Max;
type Metadata = { readonly countries: Readonly<Record<string, readonly unknown[]>> };

let library: Library | undefined;
let metadata: Metadata | undefined;

/** The `max` build. `require` is untyped; the package's CommonJS export is this module's namespace. */
export function libphonenumber(): Library {
  library ??= require('libphonenumber-js/max') as Library;
  return library;
}

/** The `max` metadata JSON (the library's own), whose shape `countryMetadata` checks entry by entry. */
export function phoneMetadata(): Metadata {
  metadata ??= require('libphonenumber-js/metadata.max.json') as Metadata;
  return metadata;
}
