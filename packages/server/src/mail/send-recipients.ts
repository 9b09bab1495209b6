import type { Directory } from '../directory/index.js';
import { AppError, normalizeAddress, splitAddress } from '../shared/index.js';
import type { Recipient } from './types.js';

/** The recipients of an API send: the local users they reach and the remote addresses to queue. */
export interface SendRecipients {
  /** The users the local recipients reach, each once. */
  local: { userId: string; address: string }[];
  /** Remote addresses, each once, as given (only the destination may fold a local part's case, RFC 5321 §2.4). */
  remote: string[];
  /** Distinct addresses named: what counts against the sender's recipient limits. */
  count: number;
}

/**
 * Sorts the recipients of to, cc and bcc into local users and remote
 * addresses. An error names the field (`to[0]`, `bcc[2]` …). Remote ones are
 * refused with RECIPIENT_NOT_LOCAL when there is no outbound queue to hold them.
 */
export async function resolveSendRecipients(
  directory: Directory,
  lists: { [field: string]: Recipient[] | undefined },
  options: { remoteAllowed: boolean },
): Promise<SendRecipients> {
  const local = new Map<string, { userId: string; address: string }>();
  const remote = new Map<string, string>();
  const named = new Set<string>();
  const list = Object.entries(lists).flatMap(([field, rs]) =>
    (rs ?? []).map((r, i) => ({ field: `${field}[${i}]`, address: typeof r === 'string' ? r : r.address })),
  );
  for (const { field, address } of list) {
    const canonical = normalizeAddress(address);
    named.add(canonical);
    const domain = splitAddress(canonical)?.domain ?? '';
    if (!(await directory.isLocalDomain(domain))) {
      if (!options.remoteAllowed)
        throw new AppError('RECIPIENT_NOT_LOCAL', `${address} is not in a local domain`, { field });
      if (!remote.has(canonical)) remote.set(canonical, address.trim());
      continue;
    }
    const res = await directory.resolveRecipient(address);
    if (!res || res.users.length === 0)
      throw new AppError('RECIPIENT_UNKNOWN', `${address} does not exist or is disabled`, { field });
    for (const u of res.users) {
      if (u.quotaBytes > 0 && u.usedBytes >= u.quotaBytes)
        throw new AppError('QUOTA_EXCEEDED', `mailbox of ${address} is full`, { field });
      local.set(u.id, { userId: u.id, address: u.address });
    }
  }
  return { local: [...local.values()], remote: [...remote.values()], count: named.size };
}
