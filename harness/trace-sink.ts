import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from './errors.js';
import { TraceBytes } from './trace-bytes.js';
import { traceLine, type TraceEvent } from './trace-event.js';

/** The trace's file name in the report directory (README "trace.jsonl"). */
export const TRACE_FILE = 'trace.jsonl';
export type TraceFileName = typeof TRACE_FILE;

/** Where trace events go, as lines of trace.jsonl. `flush` is a hint that now is a good moment to make them durable. */
export interface TraceSink {
  write(e: TraceEvent): void;
  flush(): void;
  close(): void;
}

/** Keeps the lines in memory; for tests and for callers that want the trace as data. */
export class MemorySink implements TraceSink {
  readonly lines: string[] = [];
  write(e: TraceEvent): void {
    this.lines.push(traceLine(e));
  }
  flush(): void {}
  close(): void {}
}

const FLUSH_BYTES = 64 * 1024;

/**
 * trace.jsonl on disk, one event per line. Lines are encoded into a 64 KiB buffer (trace-bytes.ts)
 * and written with a synchronous write when it is full, at the latest when the tracer asks (every
 * emulated second) and when the process exits, even on an uncaught exception. Why not a
 * fs.WriteStream: it queues writes in memory, which grows without bound when events come faster
 * than the disk takes them and is lost if the process dies; a sync write of a 64 KiB chunk costs
 * tens of microseconds and leaves the evidence on disk, up to the last flush, whatever happens next.
 */
export class JsonlFile implements TraceSink {
  private fd: number | undefined;
  private readonly chunk = new TraceBytes(FLUSH_BYTES);
  private readonly onExit = (): void => this.flush();

  constructor(readonly path: string) {
    try {
      mkdirSync(dirname(path), { recursive: true });
      this.fd = openSync(path, 'w');
    } catch (error) {
      throw new UserError(`cannot write the trace to "${path}": ${(error as Error).message}`);
    }
    process.on('exit', this.onExit);
  }

  write(e: TraceEvent): void {
    if (this.fd === undefined) throw new Error(`trace file "${this.path}" is already closed`);
    if (this.chunk.append(e)) return;
    this.flush();
    // a line longer than the whole chunk (a long info) goes out on its own
    if (!this.chunk.append(e)) writeSync(this.fd, `${traceLine(e)}\n`);
  }

  flush(): void {
    if (this.fd === undefined || this.chunk.length === 0) return;
    const { buffer, length } = this.chunk;
    for (let done = 0; done < length; ) done += writeSync(this.fd, buffer, done, length - done);
    this.chunk.length = 0;
  }

  close(): void {
    if (this.fd === undefined) return;
    this.flush();
    closeSync(this.fd);
    this.fd = undefined;
    process.off('exit', this.onExit);
  }
}
