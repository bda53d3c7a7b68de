#!/usr/bin/env node
// Runs the TypeScript sources through tsx's loader (Node 20 does not strip types by itself).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
await main();
