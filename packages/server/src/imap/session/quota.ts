import { type QuotaResource, quotaResponse, quotaRootResponse } from '../protocol/index.js';
import type { CommandOf } from './registry.js';
import type { ImapSession } from './session.js';
import { type Completion, no, ok } from './types.js';

/** The one quota root of a user (RFC 9208 §3.2): every mailbox counts towards it. */
const ROOT = '';

/** STORAGE in KiB (RFC 9208 §5.1); an unlimited user has a root with no resources. */
async function resources(session: ImapSession, userId: string): Promise<QuotaResource[]> {
  const quota = await session.store.quota(userId);
  if (quota.quotaBytes === 0) return [];
  return [
    { name: 'STORAGE', usage: Math.ceil(quota.usedBytes / 1024), limit: Math.floor(quota.quotaBytes / 1024) },
  ];
}

/** GETQUOTAROOT (RFC 9208 §4.3): the mailbox's root and its quota. */
export async function getQuotaRootCommand(
  session: ImapSession,
  input: { command: CommandOf<'GETQUOTAROOT'> },
): Promise<Completion> {
  const user = session.user;
  if (!user) throw new Error('GETQUOTAROOT before login');
  const mailbox = await session.store.getMailbox(user.id, input.command.mailbox);
  session.send(quotaRootResponse(mailbox.name, [ROOT], session.encoding));
  session.send(quotaResponse(ROOT, await resources(session, user.id)));
  return ok('GETQUOTAROOT completed');
}

/** GETQUOTA (RFC 9208 §4.2): only the root `""` exists. */
export async function getQuotaCommand(
  session: ImapSession,
  input: { command: CommandOf<'GETQUOTA'> },
): Promise<Completion> {
  const user = session.user;
  if (!user) throw new Error('GETQUOTA before login');
  if (input.command.root !== ROOT)
    return no(`No quota root ${input.command.root.slice(0, 60)}`, { name: 'NONEXISTENT' });
  session.send(quotaResponse(ROOT, await resources(session, user.id)));
  return ok('GETQUOTA completed');
}

/** SETQUOTA (RFC 9208 §4.4): quotas are set by administrators (API, admin console), not by users. */
export function setQuotaCommand(): Completion {
  return no('Quotas are set by your administrator', { name: 'NOPERM' });
}
