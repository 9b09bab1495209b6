import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import type { Directory } from '../../directory/index.js';
import { normalizeAddress } from '../../shared/index.js';
import { smtpError } from '../errors.js';

/**
 * Submission MAIL FROM: the envelope sender must be the authenticated user's
 * address or one of their aliases (RFC 6409 §6.1 lets the MSA enforce this).
 * The null sender is refused: submitted mail is never a bounce.
 */
export function createSubmissionMailFrom(directory: Directory) {
  return async (address: SMTPServerAddress, session: SMTPServerSession): Promise<void> => {
    const from = normalizeAddress(address.address);
    if (!from) throw smtpError(553, '5.7.1 A sender address is required');
    const user = await directory.getUser(from).catch(() => undefined);
    if (!user || user.id !== session.user)
      throw smtpError(553, `5.7.1 Sender address ${from} does not belong to you`);
  };
}
