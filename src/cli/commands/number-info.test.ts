import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import type { Environment } from '../../config/env.ts';
import type { CliContext } from '../context.ts';
import { runCli } from '../main.ts';
import { numberCommand, registerNumberInfo } from './number-info.ts';

const numberingDir = mkdtempSync(join(tmpdir(), 'vigie-number-info-'));
afterAll(() => rmSync(numberingDir, { recursive: true, force: true }));

function capture(): { ctx: Omit<CliContext, 'setExitCode'>; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  // numberingDir stands for VIGIE_NUMBERING_DIR, so that no test touches ~/.vigie.
  const env: Environment & { numberingDir: string } = {
    defaultDb: ':memory:',
    cwd: numberingDir,
    interactive: false,
    numberingDir,
  };
  return { ctx: { env, out: (text) => out.push(text), err: (text) => err.push(text) }, out, err };
}

/** Runs only this module's commands, independently of the rest of the CLI. */
async function runAlone(argv: readonly string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const { ctx, out, err } = capture();
  let code = 0;
  const program = new Command('vigie').exitOverride();
  registerNumberInfo(program, { ...ctx, setExitCode: (c) => (code = c) });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    err.push(error instanceof Error ? error.message : String(error));
    code = 2;
  }
  return { code, out, err };
}

describe('vigie number info', () => {
  it('prints every field as JSON through runCli', async () => {
    const { ctx, out } = capture();
    const code = await runCli(['number', 'info', '+33162000000', '--json'], ctx);
    expect(code).toBe(0);
    expect(JSON.parse(out.join('\n'))).toMatchObject({
      e164: '+33162000000',
      national: '01 62 00 00 00',
      territory: 'metropole',
      timeZone: 'Europe/Paris',
      lineType: 'geographic',
      region: 'Île-de-France',
      telemarketingRange: true,
      callerIdCategory: 'npv',
      attribution: { block: '016200', operatorCode: 'LGC', operatorName: 'Manifone', territory: 'Métropole' },
      numberingData: { source: 'shipped' },
    });
  });

  it('exits 2 with a clear message for an invalid number', async () => {
    const { ctx, err } = capture();
    expect(await runCli(['number', 'info', 'not-a-number'], ctx)).toBe(2);
    expect(err.join('\n')).toContain('is not a valid phone number');
  });

  it('prints a French table, unattributed blocks included', async () => {
    const { code, out } = await runAlone(['number', 'info', '0262 00 12 34']);
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toContain('02 62 00 12 34');
    expect(text).toContain('Indian/Reunion');
    expect(text).toContain('non attribué');
  });

  it('reuses an existing `number` command', () => {
    const program = new Command('vigie');
    const existing = program.command('number');
    existing.command('show');
    expect(numberCommand(program)).toBe(existing);
    registerNumberInfo(program, { ...capture().ctx, setExitCode: () => {} });
    expect(existing.commands.map((c) => c.name())).toEqual(['show', 'info']);
  });
});

describe('vigie numbering update', () => {
  it('validates MAJNUM, writes the compact copy and prints counts', async () => {
    const majnum = join(numberingDir, 'MAJNUM.csv');
    writeFileSync(
      majnum,
      [
        'EZABPQM;Tranche_Debut;Tranche_Fin;Mnémo;Territoire;Date_Attribution',
        '016200;0162000000;0162009999;LGC;Métropole;21/01/2021',
        'bad;line',
      ].join('\n'),
    );
    const update = await runAlone(['numbering', 'update', '--majnum', majnum]);
    expect(update.code).toBe(0);
    expect(update.out.join('\n')).toContain('1 blocs chargés (1 lignes écartées)');
    expect(update.err.join('\n')).toContain(`${majnum}:3:`);
    const info = await runAlone(['number', 'info', '+33162000000', '--json']);
    expect(JSON.parse(info.out.join(''))).toMatchObject({
      attribution: { operatorName: 'Manifone' },
      numberingData: { source: 'user', path: join(numberingDir, 'arcep.json.gz') },
    });
    rmSync(join(numberingDir, 'arcep.json.gz'));
  });

  it('refuses a file that is not MAJNUM', async () => {
    const rio = join(numberingDir, 'MAJRIO.csv');
    writeFileSync(rio, 'Ressource;Code Attributaire;Attributaire\nF0;FRTE;Orange\n');
    const result = await runAlone(['numbering', 'update', '--majnum', rio]);
    expect(result.code).toBe(2);
    expect(result.err.join('\n')).toContain('not a MAJNUM.csv file');
  });
});
