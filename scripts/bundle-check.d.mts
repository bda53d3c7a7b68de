import type { Plugin } from 'esbuild';

export function buildCheckBundle(root: string, out: string, plugins?: readonly Plugin[]): Promise<void>;
export function writeCheckCodeCache(out: string): Promise<void>;
