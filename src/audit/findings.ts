import type { Violation } from '../law/evaluate.ts';
import type { RuleId } from '../law/rules.ts';
import { violationJson } from './json.ts';

/** Bytes of the blocks that hold the findings' JSON. */
const BLOCK = 16 << 20;
/** About how many bytes are printed at once: large writes, but no string of millions of findings. */
const OUT_CHUNK = 1 << 20;

function grown(array: Uint32Array, size: number): Uint32Array<ArrayBuffer> {
  const copy = new Uint32Array(size);
  copy.set(array);
  return copy;
}

/** The fields of a finding that a table shows, in its columns' order. */
export const TABLE_FIELDS = [
  'localTime',
  'rule',
  'severity',
  'provider',
  'client',
  'caller',
  'callee',
  'explanation',
] as const satisfies readonly (keyof Violation)[];

/**
 * What a table of findings needs before its first line, gathered as they are added: the longest
 * value of each of its fields (in UTF-16 units, as `padEnd` counts; null as ''), and the findings
 * per rule and severity and per provider.
 */
export interface FindingsSummary {
  readonly longest: number[];
  readonly byRule: Map<RuleId, { violation: number; warning: number }>;
  readonly byProvider: Map<string, number>;
}

function emptySummary(): FindingsSummary {
  return { longest: TABLE_FIELDS.map(() => 0), byRule: new Map(), byProvider: new Map() };
}

/**
 * How findings are kept and printed: each one's text (`encode`, one line), and what surrounds them
 * (`frame`: the output is `open` + the findings joined by `separator` + `close` + a newline, or
 * `empty` + a newline when there are none; `separator` ends with a newline).
 */
export interface FindingsFormat {
  readonly name: string;
  encode(v: Violation, callId: string): string;
  readonly frame: {
    readonly open: string;
    readonly separator: string;
    readonly close: string;
    readonly empty: string;
  };
}

/** One JSON array, one finding a line: the bytes of `JSON.stringify` of each violation. */
export const JSON_FINDINGS: FindingsFormat = {
  name: 'json',
  encode: violationJson,
  frame: { open: '[', separator: ',\n', close: ']', empty: '[]' },
};

/**
 * Where printed findings go: bytes as they are when `bytes` is given, else text, to which the sink
 * adds a newline after each piece.
 */
export interface FindingsSink {
  readonly text: (text: string) => void;
  readonly bytes?: ((bytes: Uint8Array) => void) | undefined;
}

/**
 * Findings as plain data that a worker thread posts to the main thread: its typed arrays and blocks
 * are transferred (moved, not copied), the strings cloned.
 */
export interface FindingsParts {
  readonly length: number;
  readonly blocks: readonly Uint8Array[];
  readonly times: Float64Array;
  readonly blockOf: Uint32Array;
  readonly start: Uint32Array;
  readonly end: Uint32Array;
  readonly provider: readonly string[];
  readonly callId: readonly string[];
  readonly rule: readonly RuleId[];
  /** The indices of these findings in `order()` order, sorted where they were found. */
  readonly order: Uint32Array;
  readonly summary: FindingsSummary;
}

/**
 * The findings of a stored audit, each written as its JSON (the bytes of `JSON.stringify`) into large
 * buffers outside the JavaScript heap as it is found, while its strings are fresh, with only its call
 * time, provider, call id and rule kept aside for sorting. Millions of findings then cost the garbage
 * collector nothing, and printing them in call-time order copies one run of bytes each instead of
 * chasing a dozen strings scattered over the heap.
 */
export class Findings {
  readonly #format: FindingsFormat;
  readonly #blocks: Buffer[] = [Buffer.allocUnsafe(BLOCK)];
  #buf: Buffer = this.#blocks[0] ?? Buffer.allocUnsafe(BLOCK);
  #off = 0;
  #length = 0;
  #times = new Float64Array(1 << 16);
  #blockOf = new Uint32Array(1 << 16);
  #start = new Uint32Array(1 << 16);
  #end = new Uint32Array(1 << 16);
  readonly #provider: string[] = [];
  readonly #callId: string[] = [];
  readonly #rule: RuleId[] = [];
  readonly #summary: FindingsSummary = emptySummary();

  constructor(format: FindingsFormat = JSON_FINDINGS) {
    this.#format = format;
  }

  get length(): number {
    return this.#length;
  }

  get summary(): FindingsSummary {
    return this.#summary;
  }

  /**
   * These findings as plain data, with the buffers to transfer; this object must not be used after.
   */
  parts(): { readonly parts: FindingsParts; readonly transfer: ArrayBuffer[] } {
    const n = this.#length;
    // Sorted here, in the worker: the main thread only merges the sorted parts.
    const order = this.order();
    const blocks = this.#blocks.map((b, i) =>
      // The last block is cut to what it holds; each block owns its ArrayBuffer (allocUnsafe of 16 MB).
      i === this.#blocks.length - 1 ? b.subarray(0, this.#off) : b,
    );
    const parts: FindingsParts = {
      length: n,
      blocks,
      times: this.#times,
      blockOf: this.#blockOf,
      start: this.#start,
      end: this.#end,
      provider: this.#provider,
      callId: this.#callId,
      rule: this.#rule,
      order,
      summary: this.#summary,
    };
    const transfer = new Set<ArrayBuffer>();
    for (const array of [...blocks, this.#times, this.#blockOf, this.#start, this.#end, order]) {
      if (array.buffer instanceof ArrayBuffer) transfer.add(array.buffer);
    }
    return { parts, transfer: [...transfer] };
  }

  /**
   * The findings of several parts (of workers, each kept in `format`), as one, with their order (the
   * parts' orders merged).
   */
  static merge(
    all: readonly FindingsParts[],
    format: FindingsFormat = JSON_FINDINGS,
  ): { readonly findings: Findings; readonly order: Uint32Array } {
    const merged = new Findings(format);
    const total = all.reduce((sum, p) => sum + p.length, 0);
    merged.#blocks.length = 0;
    merged.#times = new Float64Array(Math.max(total, 1));
    merged.#blockOf = new Uint32Array(Math.max(total, 1));
    merged.#start = new Uint32Array(Math.max(total, 1));
    merged.#end = new Uint32Array(Math.max(total, 1));
    for (const part of all) {
      const base = merged.#length;
      const blockBase = merged.#blocks.length;
      for (const block of part.blocks)
        merged.#blocks.push(Buffer.from(block.buffer, block.byteOffset, block.byteLength));
      merged.#times.set(part.times.subarray(0, part.length), base);
      merged.#start.set(part.start.subarray(0, part.length), base);
      merged.#end.set(part.end.subarray(0, part.length), base);
      for (let i = 0; i < part.length; i++) {
        merged.#blockOf[base + i] = blockBase + (part.blockOf[i] ?? 0);
        merged.#provider.push(part.provider[i] ?? '');
        merged.#callId.push(part.callId[i] ?? '');
        merged.#rule.push(part.rule[i] ?? 'hours.window');
      }
      merged.#length += part.length;
      const summary = merged.#summary;
      part.summary.longest.forEach((n, f) => {
        summary.longest[f] = Math.max(summary.longest[f] ?? 0, n);
      });
      for (const [rule, n] of part.summary.byRule) {
        const entry = summary.byRule.get(rule) ?? { violation: 0, warning: 0 };
        entry.violation += n.violation;
        entry.warning += n.warning;
        summary.byRule.set(rule, entry);
      }
      for (const [provider, n] of part.summary.byProvider)
        summary.byProvider.set(provider, (summary.byProvider.get(provider) ?? 0) + n);
    }
    // Nothing more is added to merged findings: a full block keeps `add` from writing into them.
    merged.#buf = Buffer.alloc(0);
    merged.#blocks.push(merged.#buf);
    let order: Uint32Array = new Uint32Array(0);
    let base = 0;
    for (const part of all) {
      const shifted = new Uint32Array(part.length);
      for (let k = 0; k < part.length; k++) shifted[k] = base + (part.order[k] ?? 0);
      order = merged.#mergeOrders(order, shifted);
      base += part.length;
    }
    return { findings: merged, order };
  }

  /** Two sorted lists of indices as one sorted list. */
  #mergeOrders(a: Uint32Array, b: Uint32Array): Uint32Array {
    if (a.length === 0) return b;
    if (b.length === 0) return a;
    const out = new Uint32Array(a.length + b.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < a.length && j < b.length) {
      const x = a[i] ?? 0;
      const y = b[j] ?? 0;
      if (this.#compare(y, x) < 0) {
        out[k++] = y;
        j++;
      } else {
        out[k++] = x;
        i++;
      }
    }
    out.set(a.subarray(i), k);
    out.set(b.subarray(j), k + (a.length - i));
    return out;
  }

  #grow(): void {
    const size = this.#times.length * 2;
    const times = new Float64Array(size);
    times.set(this.#times);
    this.#times = times;
    this.#blockOf = grown(this.#blockOf, size);
    this.#start = grown(this.#start, size);
    this.#end = grown(this.#end, size);
  }

  /** Adds `v`, found on the call of id `callId` at `t` (ms). */
  add(v: Violation, callId: string, t: number): void {
    if (this.#length === this.#times.length) this.#grow();
    // One string a finding, written at once: cheaper than a write a field.
    const json = this.#format.encode(v, callId);
    // At most 3 bytes of UTF-8 a UTF-16 unit.
    const bound = 3 * json.length;
    if (this.#off + bound > this.#buf.length) {
      this.#buf = Buffer.allocUnsafe(Math.max(BLOCK, bound));
      this.#blocks.push(this.#buf);
      this.#off = 0;
    }
    const i = this.#length;
    this.#length += 1;
    this.#times[i] = t;
    this.#blockOf[i] = this.#blocks.length - 1;
    this.#start[i] = this.#off;
    this.#provider.push(v.provider);
    this.#callId.push(callId);
    this.#rule.push(v.rule);
    this.#off += this.#buf.write(json, this.#off, 'utf8');
    this.#end[i] = this.#off;
    this.#summarise(v);
  }

  #summarise(v: Violation): void {
    const { longest, byRule, byProvider } = this.#summary;
    for (let f = 0; f < TABLE_FIELDS.length; f++) {
      const field = TABLE_FIELDS[f] ?? 'rule';
      const length = v[field]?.length ?? 0;
      if (length > (longest[f] ?? 0)) longest[f] = length;
    }
    let rule = byRule.get(v.rule);
    if (rule === undefined) {
      rule = { violation: 0, warning: 0 };
      byRule.set(v.rule, rule);
    }
    rule[v.severity] += 1;
    byProvider.set(v.provider, (byProvider.get(v.provider) ?? 0) + 1);
  }

  /**
   * The indices of the findings in `compareViolations` order: call time (as numbers, much cheaper than
   * the ISO strings, which order the same), provider, call id, rule.
   */
  order(): Uint32Array {
    const order = new Uint32Array(this.#length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    return order.sort((a, b) => this.#compare(a, b));
  }

  /** `compareViolations` of findings `a` and `b`. */
  #compare(a: number, b: number): number {
    const dt = (this.#times[a] ?? 0) - (this.#times[b] ?? 0);
    if (dt !== 0) return dt;
    const pa = this.#provider[a] ?? '';
    const pb = this.#provider[b] ?? '';
    if (pa !== pb) return pa < pb ? -1 : 1;
    const ca = this.#callId[a] ?? '';
    const cb = this.#callId[b] ?? '';
    if (ca !== cb) return ca < cb ? -1 : 1;
    const ra = this.#rule[a] ?? '';
    const rb = this.#rule[b] ?? '';
    return ra < rb ? -1 : ra > rb ? 1 : 0;
  }

  /** The JSON of finding `i`, as `JSON.stringify` writes its violation (findings kept as JSON). */
  json(i: number): string {
    if (this.#format.name !== 'json') throw new Error(`findings kept as ${this.#format.name}, not JSON`);
    const block = this.#blocks[this.#blockOf[i] ?? 0];
    return block === undefined ? '' : block.toString('utf8', this.#start[i] ?? 0, this.#end[i] ?? 0);
  }

  /** Finding `i` as a violation object (read back from its JSON: the same strings, the same key order). */
  at(i: number): Violation {
    const parsed: unknown = JSON.parse(this.json(i));
    return parsed as Violation;
  }

  /**
   * Prints the findings in `order` in this object's format (`frame.open` + the findings joined by
   * `frame.separator` + `frame.close` + a newline; for JSON one array, one finding a line), in pieces
   * of about a megabyte: as bytes through `sink.bytes` when given (copied from the blocks, never
   * decoded), else as text through `sink.text`, which ends each piece with a newline.
   */
  print(order: Uint32Array, sink: FindingsSink): void {
    const { frame } = this.#format;
    const bytes = sink.bytes;
    if (order.length === 0) {
      if (bytes === undefined) sink.text(frame.empty);
      else bytes(Buffer.from(`${frame.empty}\n`));
      return;
    }
    const separator = Buffer.from(frame.separator);
    const close = Buffer.from(`${frame.close}\n`);
    const tail = Math.max(separator.length, close.length);
    let chunk = Buffer.allocUnsafe(OUT_CHUNK * 2);
    let off = chunk.write(frame.open, 0, 'utf8');
    const room = (n: number) => {
      if (off + n <= chunk.length) return;
      const grown = Buffer.allocUnsafe((off + n) * 2);
      chunk.copy(grown, 0, 0, off);
      chunk = grown;
    };
    /** Writes the chunk and `end` (the separator, or the close), then starts a new one. */
    const flush = (end: Buffer) => {
      off += end.copy(chunk, off);
      // As text, without the newline that ends `end`: `sink.text` adds it.
      if (bytes === undefined) sink.text(chunk.toString('utf8', 0, off - 1));
      else {
        bytes(chunk.subarray(0, off));
        // A new chunk each time: a stream may still hold the one it was given.
        chunk = Buffer.allocUnsafe(OUT_CHUNK * 2);
      }
      off = 0;
    };
    for (let k = 0; k < order.length; k++) {
      const i = order[k] ?? 0;
      const block = this.#blocks[this.#blockOf[i] ?? 0];
      const start = this.#start[i] ?? 0;
      const end = this.#end[i] ?? 0;
      room(end - start + tail);
      if (block !== undefined) off += block.copy(chunk, off, start, end);
      if (k === order.length - 1) flush(close);
      else if (off >= OUT_CHUNK) flush(separator);
      else off += separator.copy(chunk, off);
    }
  }

  /** `print` of findings kept as JSON: one array, one finding a line. */
  printJson(order: Uint32Array, sink: FindingsSink): void {
    if (this.#format.name !== 'json') throw new Error(`findings kept as ${this.#format.name}, not JSON`);
    this.print(order, sink);
  }
}
