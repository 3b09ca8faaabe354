import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../sim/virtual-clock.js';
import { Database, SQLITE_WRITE_MS, WRITES_PER_MONITORED_HOST, WRITES_PER_MONITORED_VM } from './database.js';

describe('Database (oned\'s lock around every statement)', () => {
  it('holds a monitoring report for its statements: the host\'s and three per VM it lists', () => {
    const db = new Database(new VirtualClock());
    expect(db.reportMs(0)).toBe(WRITES_PER_MONITORED_HOST * SQLITE_WRITE_MS);
    expect(db.reportMs(30)).toBe((2 + 3 * 30) * SQLITE_WRITE_MS);
    // two rotations of a 7,200 rpm disk: SQLite's FAQ's "about 60 transactions per second"
    expect(1000 / SQLITE_WRITE_MS).toBeCloseTo(60, 9);
    expect(WRITES_PER_MONITORED_VM).toBe(3);
  });

  it('serves reports one after another, and a request waits for the reports that came before it', async () => {
    const clock = new VirtualClock();
    const db = new Database(clock, 20);
    const done = await clock.run(async () => {
      const ends: Array<Promise<number>> = [];
      ends.push(db.hold(db.reportMs(10)).then(() => clock.now())); // 32 writes of 20 ms: 640 ms
      ends.push(db.hold(db.reportMs(10)).then(() => clock.now())); // then another 640 ms
      await clock.sleep(100);
      ends.push(db.free().then(() => clock.now())); // a request at 100 ms waits for both
      return Promise.all(ends);
    });
    expect(done).toEqual([640, 1280, 1280]);
    expect(db.busyMs).toBe(1280);
  });

  it('keeps a request waiting only while a report holds the lock', async () => {
    const clock = new VirtualClock();
    const db = new Database(clock);
    const at = await clock.run(async () => {
      void db.hold(200);
      await clock.sleep(500);
      await db.free();
      return clock.now();
    });
    expect(at).toBe(500);
  });
});
