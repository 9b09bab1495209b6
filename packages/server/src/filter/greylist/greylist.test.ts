import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../../test/harness/databases.js';
import { type Database, openDatabase } from '../../store/index.js';
import { clientNetwork, createGreylist, type Greylist } from './index.js';

// Greylisting state in the SQL store (migration 0013-greylist), on both engines.

const databases = useDatabases();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('clientNetwork', () => {
  it('counts IPv4 clients by /24 and IPv6 by /64, IPv4-mapped as IPv4', () => {
    expect(clientNetwork('192.0.2.77')).toBe('192.0.2.0/24');
    expect(clientNetwork('::ffff:192.0.2.9')).toBe('192.0.2.0/24');
    expect(clientNetwork('2001:db8:1:2:3:4:5:6')).toBe(clientNetwork('2001:db8:1:2:ffff::1'));
    expect(clientNetwork('2001:db8:1:2::1')).not.toBe(clientNetwork('2001:db8:1:3::1'));
  });
});

describe.each(databases.engines)('greylist on %s', (engine) => {
  let database: Database;
  let t = 1_000_000_000_000;
  let grey: Greylist;
  const settings = { delaySeconds: 300, retryWindowHours: 24, passLifetimeDays: 36 };
  const attempt = (client = '192.0.2.10', sender = 'a@remote.example', recipient = 'bob@example.com') =>
    grey.check({ client, sender, recipient });

  beforeAll(async () => {
    database = await openDatabase(await databases.fresh(engine));
    grey = createGreylist({ db: database.db, settings, now: () => t });
  });
  afterAll(() => database?.close());

  it('defers a new triplet and its early retries, passes after the delay, then passes at once', async () => {
    expect(await attempt()).toEqual({ pass: false, retryAfterSeconds: 300 });
    t += 100_000;
    expect(await attempt()).toEqual({ pass: false, retryAfterSeconds: 200 });
    t += 200_000;
    expect(await attempt()).toEqual({ pass: true });
    // The same triplet from another address of the same /24: a pool of senders.
    t += 1000;
    expect(await attempt('192.0.2.99')).toEqual({ pass: true });
    // Another recipient, sender or network is a new triplet.
    expect((await attempt('192.0.2.10', 'a@remote.example', 'carol@example.com')).pass).toBe(false);
    expect((await attempt('192.0.2.10', 'other@remote.example')).pass).toBe(false);
    expect((await attempt('198.51.100.10')).pass).toBe(false);
  });

  it('starts over when the retry comes after the window, and forgets a pass after its lifetime', async () => {
    const late = () => attempt('203.0.113.1', 'late@remote.example');
    expect((await late()).pass).toBe(false);
    t += 25 * HOUR;
    expect(await late()).toEqual({ pass: false, retryAfterSeconds: 300 });
    t += 301_000;
    expect((await late()).pass).toBe(true);
    t += 37 * DAY;
    expect((await late()).pass).toBe(false);
  });

  it('prunes rows past their lifetime', async () => {
    t += 400 * DAY;
    expect(await grey.prune()).toBeGreaterThan(0);
    const left = await database.db.selectFrom('greylist').select('triplet').execute();
    expect(left).toEqual([]);
  });
});
