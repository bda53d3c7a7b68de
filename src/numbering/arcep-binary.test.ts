import { describe, expect, it } from 'vitest';
import { decodeArcepBinary, encodeArcepBinary } from './arcep-binary.ts';
import { readArcepIndexFile, SHIPPED_ARCEP_PATH } from './store.ts';

describe('ARCEP index binary form (written by the build beside the shipped copy)', () => {
  it('decodes to the same index as the compact copy, from an unaligned buffer too', () => {
    const shipped = readArcepIndexFile(SHIPPED_ARCEP_PATH);
    const bytes = encodeArcepBinary(shipped);
    expect(decodeArcepBinary(bytes)).toStrictEqual(shipped);
    const unaligned = new Uint8Array(bytes.length + 3);
    unaligned.set(bytes, 3);
    expect(decodeArcepBinary(unaligned.subarray(3))).toStrictEqual(shipped);
  });

  it('refuses what is not one', () => {
    expect(() => decodeArcepBinary(Buffer.from('{"format":"vigie-arcep-index"}'))).toThrow(/not a Vigie/);
    const bytes = encodeArcepBinary(readArcepIndexFile(SHIPPED_ARCEP_PATH));
    const truncated = bytes.subarray(0, bytes.length - 1000);
    expect(() => decodeArcepBinary(truncated)).toThrow(/truncated/);
  });
});
