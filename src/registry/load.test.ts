import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../shared/errors.ts';
import { loadRegistryFiles, loadRegistryFolder } from './load.ts';

const REGISTRY = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'law', 'registry');

describe('loadRegistryFolder', () => {
  it('reads every file present, decoding Windows-1252, and keeps each file as evidence', () => {
    const loaded = loadRegistryFolder(REGISTRY);
    expect(loaded.errors).toEqual([]);
    expect(loaded.data.consents[0]?.source).toBe('formulaire général');
    expect(loaded.files.map((f) => f.kind)).toEqual([
      'consents',
      'customers',
      'refusals',
      'dnc',
      'bloctel',
      'consultations',
      'assignments',
      'contacts',
      'campaigns',
    ]);
    expect(loaded.files[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(loaded.index.contact('+33644444444')?.type).toBe('professional');
  });

  it('treats every file as optional, and a missing folder or file as a usage error', () => {
    expect(loadRegistryFiles({ dnc: join(REGISTRY, 'dnc.csv') }).data.consents).toEqual([]);
    expect(() => loadRegistryFolder(join(REGISTRY, 'nope'))).toThrow(UsageError);
    expect(() => loadRegistryFiles({ dnc: join(REGISTRY, 'nope.csv') })).toThrow(UsageError);
  });
});
