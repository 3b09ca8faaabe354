import type { TraceEvent } from './trace-event.js';

/**
 * trace.jsonl's lines encoded straight into a byte buffer, the same bytes as traceLine
 * (trace-event.ts) followed by a newline, without a string per event: building each line as a
 * string, then joining a chunk of them, then encoding that to UTF-8 cost about 400 bytes of
 * garbage per event, the harness's largest allocation on a large run. Integers are written digit
 * by digit; other numbers and any string that JSON would escape or that is not ASCII take the
 * same path as traceLine (String, JSON.stringify), so the bytes cannot differ.
 */
export class TraceBytes {
  readonly buffer: Buffer;
  /** bytes in use */
  length = 0;

  constructor(capacity: number) {
    this.buffer = Buffer.allocUnsafe(capacity);
  }

  /** Appends `e`'s line and a newline; false, with nothing written, when it might not fit in what is left. */
  append(e: TraceEvent): boolean {
    if (this.buffer.length - this.length < worstCase(e)) return false;
    this.ascii(T);
    this.num(e.t);
    this.ascii(TYPE);
    this.raw(e.type);
    this.byte(QUOTE);
    if (e.index !== undefined) {
      this.ascii(INDEX);
      this.num(e.index);
    }
    if (e.vmId !== undefined) {
      this.ascii(VM_ID);
      this.num(e.vmId);
    }
    if (e.host !== undefined) {
      this.ascii(HOST);
      this.json(e.host);
    }
    if (e.action !== undefined) {
      this.ascii(ACTION);
      this.json(e.action);
    }
    if (e.result !== undefined) {
      this.ascii(RESULT);
      this.raw(e.result);
      this.byte(QUOTE);
    }
    if (e.info !== undefined) {
      this.ascii(INFO);
      this.json(e.info);
    }
    this.byte(CLOSE);
    this.byte(NEWLINE);
    return true;
  }

  private byte(c: number): void {
    this.buffer[this.length++] = c;
  }

  private ascii(bytes: Uint8Array): void {
    const b = this.buffer;
    let o = this.length;
    for (let i = 0; i < bytes.length; i += 1) b[o++] = bytes[i]!;
    this.length = o;
  }

  /** As traceLine's num: integers digit by digit, other finite numbers as String writes them, the rest null. */
  private num(n: number): void {
    if (Number.isInteger(n) && n >= 0 && n <= MAX_DIGITS_INT) {
      const b = this.buffer;
      let digits = 1;
      for (let v = n; v >= 10; v = Math.floor(v / 10)) digits += 1;
      let o = this.length + digits;
      this.length = o;
      let v = n;
      do {
        b[--o] = 0x30 + (v % 10);
        v = Math.floor(v / 10);
      } while (v > 0);
    } else this.raw(Number.isFinite(n) ? String(n) : 'null');
  }

  /** A string as it is, UTF-8 (the type and the result, which traceLine does not escape). */
  private raw(s: string): void {
    const b = this.buffer;
    let o = this.length;
    for (let i = 0; i < s.length; i += 1) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.length += b.write(s, this.length, 'utf8');
        return;
      }
      b[o++] = c;
    }
    this.length = o;
  }

  /** A string as JSON.stringify writes it: printable ASCII without `"` or `\` is copied between quotes. */
  private json(s: string): void {
    const b = this.buffer;
    let o = this.length;
    b[o++] = QUOTE;
    for (let i = 0; i < s.length; i += 1) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === QUOTE || c === BACKSLASH) {
        this.length += b.write(JSON.stringify(s), this.length, 'utf8');
        return;
      }
      b[o++] = c;
    }
    b[o++] = QUOTE;
    this.length = o;
  }
}

/**
 * The most bytes `e`'s line can take: keys and numbers (24 characters at most each) within 128,
 * a string unit at most 6 bytes once escaped (\u001f) and 3 in UTF-8.
 */
function worstCase(e: TraceEvent): number {
  return 128 + 3 * e.type.length + 6 * ((e.host?.length ?? 0) + (e.action?.length ?? 0) + (e.info?.length ?? 0)) + 3 * (e.result?.length ?? 0);
}

/** integers up to this are written digit by digit (2^31 - 1: ids, positions and emulated ms of any run) */
const MAX_DIGITS_INT = 0x7fffffff;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const CLOSE = 0x7d;
const NEWLINE = 0x0a;
const bytes = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const T = bytes('{"t":');
const TYPE = bytes(',"type":"');
const INDEX = bytes(',"index":');
const VM_ID = bytes(',"vmId":');
const HOST = bytes(',"host":');
const ACTION = bytes(',"action":');
const RESULT = bytes(',"result":"');
const INFO = bytes(',"info":');
