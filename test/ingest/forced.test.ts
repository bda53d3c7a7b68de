import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listCalls } from '../../src/calls/queries.ts';
import { ingestFile } from '../../src/ingest/calls.ts';
import { UsageError } from '../../src/shared/errors.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { tempDir, writeFile } from '../support/files.ts';

let store: Store;
beforeEach(async () => {
  store = await openStore({ path: ':memory:' });
});
afterEach(() => store.close());

const count = async () => Number((await store.one<{ n: bigint }>('SELECT count(*) AS n FROM calls'))?.n);

describe('a forced format that does not fit the file', () => {
  it('asterisk on a file with a header: a usage error naming the file and the header, nothing stored', async () => {
    const file = writeFile(
      tempDir(),
      'export.csv',
      'accountcode,src,dst,dcontext,clid,channel,dstchannel,lastapp,lastdata,start,answer,end,duration,billsec,disposition,amaflags\n' +
        '"","0162000020","0612345620","from-internal","x","SIP/a","SIP/b","Dial","x","2026-11-23 10:00:01","2026-11-23 10:00:09","2026-11-23 10:02:11",130,122,"ANSWERED","DOCUMENTATION"\n',
    );
    const run = ingestFile(store, file, { provider: 'p', format: 'asterisk' });
    await expect(run).rejects.toBeInstanceOf(UsageError);
    await expect(ingestFile(store, file, { provider: 'p', format: 'asterisk' })).rejects.toThrow(
      /export\.csv: --format asterisk reads files without a header, but line 1 is a header \(accountcode, src, dst/,
    );
    expect(await count()).toBe(0);
  });

  it('canonical on a headerless file or a header missing columns: one error naming the missing columns', async () => {
    const dir = tempDir();
    const headerless = writeFile(
      dir,
      'nohead.csv',
      'c1,2026-11-23T10:00:00Z,+33162000000,+33612345678,answered\n',
    );
    await expect(ingestFile(store, headerless, { provider: 'p', format: 'canonical' })).rejects.toThrow(
      /nohead\.csv: line 1 lacks the columns call_id, started_at, caller, callee of a canonical file \(seen: c1, 2026-11-23T10:00:00Z/,
    );
    const lacking = writeFile(
      dir,
      'lacking.csv',
      'call_id,started_at,outcome\nc1,2026-11-23T10:00:00Z,answered\n',
    );
    await expect(ingestFile(store, lacking, { provider: 'p' })).rejects.toThrow(
      /lacking\.csv: line 1 lacks the columns caller, callee/,
    );
    expect(await count()).toBe(0);
  });

  it('--caller fills a canonical file without a caller column', async () => {
    const file = writeFile(
      tempDir(),
      'nocaller.csv',
      'call_id,started_at,callee,outcome\nc1,2026-11-23T10:00:00Z,+33612345678,answered\n',
    );
    const summary = await ingestFile(store, file, { provider: 'p', caller: '+33162000000' });
    expect(summary).toMatchObject({ rows: 1, stored: 1, quarantined: 0 });
    const [call] = await listCalls(store, {});
    expect(call).toMatchObject({ call_id: 'c1', caller: '+33162000000', callee: '+33612345678' });
  });
});
