import { userInfo } from 'node:os';
import { loadReputationConfig } from '../reputation/service.ts';
import {
  createServiceContext,
  defaultServiceConfig,
  localActor,
  type ServiceContext,
} from '../services/context.ts';
import { UsageError } from '../shared/errors.ts';
import { openStore } from '../store/store.ts';
import type { CliContext } from './context.ts';

/** The operator at the CLI: `--author`, else the OS user name. */
export function operatorName(flag: string | undefined): string {
  if (flag !== undefined && flag.trim() !== '') return flag.trim();
  try {
    return userInfo().username;
  } catch {
    throw new UsageError('cannot tell who you are: pass --author NAME');
  }
}

/**
 * Opens the database and runs `work` with a service context whose actor is the local administrator:
 * the CLI calls the same services as the HTTP routes.
 */
export async function withServices<T>(
  ctx: CliContext,
  options: { db: string; readOnly: boolean; author?: string | undefined; thresholds?: string | undefined },
  work: (services: ServiceContext) => Promise<T>,
): Promise<T> {
  const config = {
    ...defaultServiceConfig(ctx.env),
    reputation: loadReputationConfig(options.thresholds, ctx.env.cwd),
  };
  const actor = localActor(operatorName(options.author));
  const store = await openStore({ path: options.db, readOnly: options.readOnly });
  try {
    return await work(createServiceContext({ store, actor, config }));
  } finally {
    store.close();
  }
}
