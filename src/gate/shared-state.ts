import { Redis } from 'ioredis';
import type { GateEngine } from './engine.ts';
import type { Attempt } from './history.ts';
import type { RegistryChange } from './registry.ts';
import type { SharedGateState } from './service.ts';

/** The Redis stream every instance appends its attempts and registry changes to, and reads back. */
export const STREAM = 'vigie:gate:log';

/** Told when the shared state becomes unreachable (`detail`) or reachable again (null). */
export type AvailabilityListener = (detail: string | null) => void;

type Entry = { type: 'attempt'; attempt: Attempt } | { type: 'registry'; change: RegistryChange };

/**
 * The gate's state shared through Redis (`--shared-state redis://…`): attempts and registry changes
 * are appended to one stream (durable with Redis's append-only file) before they are acknowledged, and
 * every instance reads the stream into its engine, so that a call counted by one is counted by all.
 * While Redis cannot be reached the engine is marked unavailable: its policy (fail-closed by default)
 * decides, and the listener raises an alert.
 */
export class RedisGateState implements SharedGateState {
  readonly #engine: GateEngine;
  readonly #writer: Redis;
  readonly #reader: Redis;
  readonly #url: string;
  readonly #listener: AvailabilityListener | undefined;
  /** Appends waiting for the reader to apply them (by stream id). */
  readonly #waiting = new Map<string, () => void>();
  #lastId = '0';
  #closed = false;
  #loop: Promise<void> | undefined;

  private constructor(url: string, engine: GateEngine, listener: AvailabilityListener | undefined) {
    this.#url = url;
    this.#engine = engine;
    this.#listener = listener;
    const options = {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      connectTimeout: 1000,
      retryStrategy: (times: number) => Math.min(times * 100, 1000),
    };
    this.#writer = new Redis(url, options);
    this.#reader = new Redis(url, { ...options, maxRetriesPerRequest: null });
    for (const client of [this.#writer, this.#reader]) {
      client.on('error', () => undefined);
      client.on('close', () => this.#mark(`${this.#url} injoignable`));
      client.on('ready', () => {
        if (this.#writer.status === 'ready' && this.#reader.status === 'ready') this.#mark(null);
      });
    }
  }

  /** Connects, reads the whole stream into the engine, then follows it. */
  static async connect(
    url: string,
    engine: GateEngine,
    listener?: AvailabilityListener,
  ): Promise<RedisGateState> {
    const state = new RedisGateState(url, engine, listener);
    await state.#writer.connect();
    await state.#reader.connect();
    await state.#catchUp();
    state.#loop = state.#follow();
    return state;
  }

  #mark(detail: string | null): void {
    if (this.#closed || this.#engine.unavailable === detail) return;
    if (detail !== null && this.#engine.unavailable !== null) return;
    this.#engine.unavailable = detail;
    this.#listener?.(detail);
  }

  /** Every entry, this instance's own included, is applied here, once, in the stream's order. */
  #apply(id: string, fields: string[]): void {
    this.#lastId = id;
    const data = fields[1];
    if (data !== undefined) {
      const entry = JSON.parse(data) as Entry;
      // The stream id names the attempt on every instance alike.
      if (entry.type === 'attempt') this.#engine.recordAttempt(entry.attempt, idNumber(id));
      else this.#engine.registry.apply(entry.change);
    }
    for (const [waited, resolve] of this.#waiting)
      if (compareIds(waited, id) <= 0) {
        this.#waiting.delete(waited);
        resolve();
      }
  }

  /** Resolves once the reader has applied entry `id` (at most a second: it is durable by then anyway). */
  #applied(id: string): Promise<void> {
    if (compareIds(id, this.#lastId) <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve);
      setTimeout(() => {
        this.#waiting.delete(id);
        resolve();
      }, 1000).unref();
    });
  }

  async #catchUp(): Promise<void> {
    let start = '-';
    for (;;) {
      const rows = (await this.#reader.xrange(STREAM, start, '+', 'COUNT', 10_000)) as [string, string[]][];
      if (rows.length === 0) return;
      for (const [id, fields] of rows) this.#apply(id, fields);
      start = `(${this.#lastId}`;
    }
  }

  async #follow(): Promise<void> {
    while (!this.#closed) {
      try {
        const result = (await this.#reader.xread('BLOCK', 500, 'STREAMS', STREAM, this.#lastId)) as
          | [string, [string, string[]][]][]
          | null;
        for (const [, entries] of result ?? []) for (const [id, fields] of entries) this.#apply(id, fields);
      } catch {
        if (this.#closed) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  async #append(entries: readonly Entry[]): Promise<string[]> {
    if (this.#writer.status !== 'ready') throw new Error(`shared state ${this.#url} unreachable`);
    const pipeline = this.#writer.pipeline();
    for (const e of entries) pipeline.xadd(STREAM, '*', 'entry', JSON.stringify(e));
    const results = (await pipeline.exec()) ?? [];
    return results.map(([error, id]) => {
      if (error !== null) throw error;
      return String(id);
    });
  }

  async publishAttempts(attempts: readonly { id: string; attempt: Attempt }[]): Promise<void> {
    const ids = await this.#append(attempts.map(({ attempt }) => ({ type: 'attempt', attempt })));
    const last = ids.at(-1);
    if (last !== undefined) await this.#applied(last);
  }

  async publishRegistryChange(change: RegistryChange): Promise<void> {
    const [id] = await this.#append([{ type: 'registry', change }]);
    if (id !== undefined) await this.#applied(id);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#reader.disconnect();
    this.#writer.disconnect();
    await this.#loop?.catch(() => undefined);
  }
}

/** Orders Redis stream ids (`<ms>-<seq>`). */
function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am !== bm ? am - bm : as - bs;
}

function idNumber(id: string): number {
  const [ms = 0, seq = 0] = id.split('-').map(Number);
  return ms * 1000 + seq;
}
