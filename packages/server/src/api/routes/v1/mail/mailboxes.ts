import { normalizeAddress } from '../../../../shared/index.js';
import { decide, listScope, type Principal, principalOf, userTarget } from '../../../auth/index.js';
import { ref } from '../../../schemas/common.js';
import {
  MailboxList,
  toMailboxJson,
  UnreadCount,
  UnreadCounts,
  UnreadCountsBody,
} from '../../../schemas/mail.js';
import { BODY_PROBLEMS, op, problems } from '../../op.js';
import { visibleUser } from '../access.js';
import type { V1Plugin } from '../deps.js';
import { UserParams } from '../users/users.js';

export const MAIL_READERS = 'the user themselves; admins of the user’s domain';

const isOwn = (p: Principal, address: string) => p.kind === 'user' && p.addresses.has(address);

/** The domains whose users `p` may count beyond itself (null: all; a plain user: none). */
function countedDomains(p: Principal): ReadonlySet<string> | null {
  const d = listScope(p, 'mail:read');
  return d.outcome === 'allow' ? (d.domains ?? null) : new Set();
}

/** Mailboxes and unread counters: what a portal's inbox widget polls. */
export const mailboxRoutes: V1Plugin = async (app, { directory, mail }) => {
  app.get(
    '/users/:address/mailboxes',
    op(
      {
        operationId: 'listMailboxes',
        tag: 'mail',
        summary: 'List a user’s mailboxes',
        scope: 'mail:read',
        callers: MAIL_READERS,
      },
      {
        params: UserParams,
        response: { 200: ref(MailboxList, 'The mailboxes'), ...problems(403, 404, 422) },
      },
    ),
    async (request) => {
      const user = await visibleUser(request, directory, 'mail:read', request.params.address);
      const boxes = await mail.listMailboxes(user.address);
      return { items: boxes.map(toMailboxJson) };
    },
  );

  app.get(
    '/users/:address/unread-count',
    op(
      {
        operationId: 'getUnreadCount',
        tag: 'mail',
        summary: 'Count a user’s unread mail',
        description: 'Counts the mailboxes that hold new mail: all but Sent, Drafts, Junk and Trash.',
        scope: 'mail:read',
        callers: MAIL_READERS,
      },
      { params: UserParams, response: { 200: ref(UnreadCount, 'The counts'), ...problems(403, 404, 422) } },
    ),
    async (request) => {
      const user = await visibleUser(request, directory, 'mail:read', request.params.address);
      return mail.unreadCount(user.address);
    },
  );

  app.post(
    '/unread-counts',
    op(
      {
        operationId: 'getUnreadCounts',
        tag: 'mail',
        summary: 'Count unread mail of many users',
        description:
          'One call for a portal page listing many employees. Addresses the caller may not see, ' +
          'and unknown ones, are left out of `counts` (no error), so the answer reveals nothing about them.',
        scope: 'mail:read',
        callers: 'anyone with mail:read; only the users they may see are counted',
      },
      {
        body: ref(UnreadCountsBody),
        response: { 200: ref(UnreadCounts, 'The counts'), ...problems(403, ...BODY_PROBLEMS) },
      },
    ),
    async (request) => {
      const principal = principalOf(request);
      const wanted = [...new Set(request.body.users.map(normalizeAddress))];
      const visible = wanted.filter((a) => decide(principal, 'mail:read', userTarget(a)).outcome === 'allow');
      // The caller's own addresses are theirs; any other may be an alias of a user in a domain the
      // caller may not see (a system admin can make one), who is counted only if that domain is visible.
      const own = visible.filter((a) => isOwn(principal, a));
      const others = visible.filter((a) => !isOwn(principal, a));
      const [mine, theirs] = await Promise.all([
        own.length === 0 ? {} : mail.unreadCounts(own),
        others.length === 0 ? {} : mail.unreadCounts(others, countedDomains(principal)),
      ]);
      return { counts: { ...mine, ...theirs } };
    },
  );
};
