import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/index.js';
import { toSmtpError } from './errors.js';

const reply = (err: unknown) => {
  const e = toSmtpError(err);
  return `${e.responseCode} ${e.message}`;
};

describe('SMTP replies for engine errors', () => {
  it('answers each known refusal with its RFC 3463 code', () => {
    expect(reply(new AppError('MESSAGE_TOO_LARGE'))).toBe('552 5.3.4 Message too big for system');
    expect(reply(new AppError('HEADER_TOO_LARGE'))).toBe('552 5.3.4 Message header size exceeds limit');
    expect(reply(new AppError('QUOTA_EXCEEDED'))).toBe('452 4.2.2 Mailbox full');
    expect(reply(new AppError('RECIPIENT_UNKNOWN'))).toBe('550 5.1.1 No such user here');
  });

  it('tells a sender whose message met a closing store to try again, not that its sign-in failed', () => {
    expect(reply(new AppError('UNAVAILABLE', 'the mail store is restarting; try again'))).toBe(
      '451 4.3.2 System not accepting messages right now, try again later',
    );
    expect(reply(new AppError('DIRECTORY_UNAVAILABLE'))).toBe('454 4.7.0 Temporary authentication failure');
  });

  it('answers 452 4.3.1 when the disk is full, however deep the cause', () => {
    const full = (code: string) => Object.assign(new Error('no space'), { code });
    expect(reply(full('ENOSPC'))).toBe('452 4.3.1 Insufficient system storage');
    expect(reply(full('SQLITE_FULL'))).toBe('452 4.3.1 Insufficient system storage');
    // The committer hands out INTERNAL with the driver's error as its cause (PostgreSQL: disk_full).
    const wrapped = new AppError('INTERNAL', 'delivery could not be committed');
    wrapped.cause = full('53100');
    expect(reply(wrapped)).toBe('452 4.3.1 Insufficient system storage');
  });

  it('makes anything else a temporary failure, so a message is never refused for our fault', () => {
    expect(reply(new AppError('INTERNAL'))).toBe('451 4.3.0 Temporary local problem, please try again later');
    expect(reply(new Error('SQLITE_FULL: database or disk is full'))).toMatch(/^451 4\.3\.0 /);
    expect(reply('not even an error')).toMatch(/^451 /);
  });
});
