import { isAppError, isStorageFull } from '../shared/index.js';

/** An error smtp-server turns into a reply line: `<code> <text>`. */
export function smtpError(code: number, text: string): Error & { responseCode: number } {
  return Object.assign(new Error(text), { responseCode: code });
}

/**
 * Translates an error from the engine into an SMTP reply at the edge
 * (RFC 3463 enhanced codes). Unknown errors become a temporary failure so
 * the client retries: a message we could not store must not be rejected
 * permanently and never 250.
 */
export function toSmtpError(err: unknown): Error & { responseCode: number } {
  // RFC 5321 §4.2.2 / RFC 3463 X.3.1: the sender keeps the message and tries later.
  if (isStorageFull(err)) return smtpError(452, '4.3.1 Insufficient system storage');
  if (isAppError(err)) {
    switch (err.code) {
      // RFC 3463 X.7.1: delivery not authorized. Permanent: the message itself must change.
      case 'SENDER_NOT_ALLOWED':
        return smtpError(550, `5.7.1 ${err.message}`);
      // RFC 7489 §6.6.2 / RFC 7372 §3.1: refused for failing authentication; the text says why.
      case 'MAIL_AUTH_REJECTED':
        return smtpError(550, `5.7.1 ${err.message}`);
      case 'MAIL_AUTH_TEMPFAIL':
        return smtpError(451, `4.7.1 ${err.message}`);
      // The filter's own answer (e.g. `554 5.7.1 virus: NAME`, `451 4.7.1 …`), as the stage gave it.
      case 'FILTER_REJECTED':
      case 'FILTER_TEMPFAIL': {
        const a = err.extra?.smtp as { code: number; enhanced: string } | undefined;
        const fallback =
          err.code === 'FILTER_REJECTED'
            ? { code: 550, enhanced: '5.7.1' }
            : { code: 451, enhanced: '4.7.1' };
        const { code, enhanced } = a ?? fallback;
        return smtpError(code, `${enhanced} ${err.message}`);
      }
      case 'MESSAGE_TOO_LARGE':
        return smtpError(552, '5.3.4 Message too big for system');
      // As Postfix words it; permanent: the same message would be refused again.
      case 'HEADER_TOO_LARGE':
        return smtpError(552, '5.3.4 Message header size exceeds limit');
      case 'QUOTA_EXCEEDED':
        return smtpError(452, '4.2.2 Mailbox full');
      // RFC 3463 X.7.1, temporary: the client keeps the message and sends it once the hour has passed.
      case 'SEND_RATE_LIMITED':
        return smtpError(451, `4.7.1 ${err.message}`);
      case 'USER_NOT_FOUND':
      case 'RECIPIENT_UNKNOWN':
        return smtpError(550, '5.1.1 No such user here');
      // The store is closing or its committer restarting: the message was not taken, send it again.
      case 'UNAVAILABLE':
        return smtpError(451, '4.3.2 System not accepting messages right now, try again later');
      // Only sign-ins ask the directory (RFC 4954 §6: 454 when the credentials cannot be checked).
      case 'DIRECTORY_UNAVAILABLE':
        return smtpError(454, '4.7.0 Temporary authentication failure');
      default:
        break;
    }
  }
  return smtpError(451, '4.3.0 Temporary local problem, please try again later');
}
