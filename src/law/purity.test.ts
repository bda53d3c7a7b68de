import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const here = import.meta.dirname;
const pure = [
  ...readdirSync(here)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => join(here, f)),
  ...['model.ts', 'csv.ts', 'parse.ts', 'registry-index.ts'].map((f) => join(here, '..', 'registry', f)),
];

describe('pure core', () => {
  it.each(pure)('%s imports no node:* module and never reads the clock', (file) => {
    const text = readFileSync(file, 'utf8');
    expect(text).not.toMatch(/from ['"]node:/);
    expect(text).not.toMatch(/Date\.now\(|new Date\(\)/);
  });
});
