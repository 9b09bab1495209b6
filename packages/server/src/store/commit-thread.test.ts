import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDirs } from '../../../../test/harness/tmp.js';
import { AppError, newId } from '../shared/index.js';
import type { Logger } from '../telemetry/index.js';
import { deserializeError, serializeError } from './commit-protocol.js';
import { createThreadCommitter } from './commit-thread.js';
import type { DeliveryInput } from './types.js';

const dirs = tempDirs();
afterAll(() => dirs.removeAll());

const input = (): DeliveryInput => ({
  blob: { blobId: newId(), size: 5, data: Buffer.from('hello') },
  targets: [{ userId: newId() }],
  index: {
    from: { name: '', address: 'a@example.test' },
    to: [],
    cc: [],
    subject: 's',
    date: null,
    messageId: null,
    preview: '',
    hasAttachments: false,
  },
  internalDate: 1,
});

/** Records what reaches the logger, as pino would receive it. */
function recordingLog() {
  const records: Array<{ level: string; obj: unknown; msg?: string }> = [];
  const log: Record<string, unknown> = {};
  for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal']) {
    log[level] = (obj: unknown, msg?: string) => records.push({ level, obj, msg });
  }
  log.child = () => log;
  return { records, log: log as unknown as Logger };
}

describe('committer thread', () => {
  it('rejects in-flight deliveries as UNAVAILABLE when its thread dies, and starts a new one for the next', async () => {
    const dir = await dirs.make();
    const { records, log } = recordingLog();
    // A database file in a directory that does not exist: the thread fails as it opens it.
    const committer = createThreadCommitter({
      file: join(dir, 'missing', 'jdmail.db'),
      blobDir: join(dir, 'blobs'),
      maxBatch: 8,
      log,
    });
    const first = await Promise.allSettled([committer.submit(input()), committer.submit(input())]);
    expect(first).toMatchObject([
      { status: 'rejected', reason: { code: 'UNAVAILABLE' } },
      { status: 'rejected', reason: { code: 'UNAVAILABLE' } },
    ]);
    expect(records.some((r) => r.level === 'error' && /thread/.test(r.msg ?? ''))).toBe(true);
    // Not stuck on the dead thread: the next delivery gets a thread of its own (which fails the same way).
    const before = records.length;
    await expect(committer.submit(input())).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(records.length).toBeGreaterThan(before);
    await committer.close();
    await expect(committer.submit(input())).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('refuses an invalid delivery before it reaches the thread', async () => {
    const dir = await dirs.make();
    const committer = createThreadCommitter({ file: join(dir, 'x.db'), blobDir: dir, maxBatch: 8 });
    await expect(committer.submit({ ...input(), targets: [] })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await committer.close();
  });
});

describe('errors crossing from the committer thread', () => {
  const full = () =>
    Object.assign(new Error('database or disk is full: /data/jdmail.db'), { code: 'SQLITE_FULL' });
  /** Through the same structured clone postMessage applies. */
  const across = (e: unknown) => deserializeError(structuredClone(serializeError(e)));

  it('keep their code and the code of the driver error underneath, and nothing more of it', () => {
    const wrapped = new AppError('INTERNAL', 'delivery could not be committed');
    wrapped.cause = full();
    const back = across(wrapped);
    expect(back).toMatchObject({ code: 'INTERNAL', message: 'delivery could not be committed' });
    expect(back.cause).toMatchObject({ code: 'SQLITE_FULL' });
    expect(JSON.stringify(serializeError(wrapped))).not.toContain('/data/');
    // A raw driver error (not translated) keeps its own code as the cause's.
    expect(across(full()).cause).toMatchObject({ code: 'SQLITE_FULL' });
  });

  it('carry no cause when there was none', () => {
    const back = across(new AppError('MAILBOX_NOT_FOUND', 'target mailbox not found'));
    expect(back).toMatchObject({ code: 'MAILBOX_NOT_FOUND' });
    expect(back.cause).toBeUndefined();
  });
});
