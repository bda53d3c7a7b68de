import type { ArcepIndex } from './arcep.ts';

/**
 * The ARCEP index as its typed arrays' raw bytes, written by the build next to the shipped compact
 * copy (`arcep.json.gz`) so that start-up skips gunzip, JSON.parse and the checks of
 * `deserialiseArcepIndex` (~10 ms of `vigie check`). Only ever read from a file the build wrote from
 * the same index, on the same machine (native byte order).
 *
 * Layout: "VIGIEARC", the header's length (uint32), the header (JSON: size, strings, names, vintage),
 * padding to a multiple of 8, then starts, ends (float64), attributedDays (int32), operatorIndexes
 * (uint16), prefixLengths and territoryIndexes (uint8), each `size` long.
 */

const MAGIC = 'VIGIEARC';

interface Header {
  readonly size: number;
  readonly operatorCodes: readonly string[];
  readonly territoryLabels: readonly string[];
  readonly operatorNames: readonly (readonly [string, string])[];
  readonly vintage: string | null;
}

export const ARCEP_BINARY_FILE_NAME = 'arcep.bin';

export function encodeArcepBinary(index: ArcepIndex): Buffer {
  const header: Header = {
    size: index.size,
    operatorCodes: index.operatorCodes,
    territoryLabels: index.territoryLabels,
    operatorNames: [...index.operatorNames],
    vintage: index.vintage,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const start = align8(MAGIC.length + 4 + json.length);
  const n = index.size;
  const bytes = Buffer.alloc(start + n * (8 + 8 + 4 + 2 + 1 + 1));
  bytes.write(MAGIC, 0, 'latin1');
  bytes.writeUInt32LE(json.length, MAGIC.length);
  json.copy(bytes, MAGIC.length + 4);
  let at = start;
  for (const array of [
    index.starts,
    index.ends,
    index.attributedDays,
    index.operatorIndexes,
    index.prefixLengths,
    index.territoryIndexes,
  ]) {
    const raw = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    bytes.set(raw, at);
    at += raw.length;
  }
  return bytes;
}

export function decodeArcepBinary(bytes: Uint8Array): ArcepIndex {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.toString('latin1', 0, MAGIC.length) !== MAGIC) throw new Error('not a Vigie ARCEP binary file');
  const length = buffer.readUInt32LE(MAGIC.length);
  const header = JSON.parse(buffer.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + length)) as Header;
  const n = header.size;
  const start = align8(MAGIC.length + 4 + length);
  if (buffer.length - start !== n * 24) throw new Error('ARCEP binary file: truncated');
  // The float64 views need an offset aligned on 8 bytes: readFileSync's own buffer starts at 0, but
  // a Buffer may start at any offset of a shared pool, and is then copied (~0.3 ms for check).
  let body: ArrayBufferLike = buffer.buffer;
  let at = buffer.byteOffset + start;
  if (at % 8 !== 0) {
    body = new ArrayBuffer(n * 24);
    new Uint8Array(body).set(buffer.subarray(start));
    at = 0;
  }
  const take = <T>(make: (offset: number) => T, width: number): T => {
    const array = make(at);
    at += n * width;
    return array;
  };
  return {
    size: n,
    starts: take((o) => new Float64Array(body, o, n), 8),
    ends: take((o) => new Float64Array(body, o, n), 8),
    attributedDays: take((o) => new Int32Array(body, o, n), 4),
    operatorIndexes: take((o) => new Uint16Array(body, o, n), 2),
    prefixLengths: take((o) => new Uint8Array(body, o, n), 1),
    territoryIndexes: take((o) => new Uint8Array(body, o, n), 1),
    operatorCodes: header.operatorCodes,
    territoryLabels: header.territoryLabels,
    operatorNames: new Map(header.operatorNames),
    vintage: header.vintage,
  };
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
