import { useCallback } from 'preact/hooks';
import { mailFailureText, textOf } from '../../api/messages.js';
import { useI18n } from '../../i18n/index.js';
import { useAnnounce } from '../live.js';
import { useMail } from '../mail-context.js';
import { runBulk } from './bulk.js';
import { folderOf, kindOf } from './tree.js';

/** Messages asked for per page when emptying a folder. */
const EMPTY_PAGE = 100;

/** What the list toolbar, the shortcuts and the reader can do to messages. */
export interface MessageActions {
  setRead: (ids: string[], read: boolean) => Promise<void>;
  setFlagged: (ids: string[], flagged: boolean) => Promise<void>;
  /** To Trash; from Trash (or when there is no Trash) the caller confirms and calls `deleteForever`. */
  trash: (ids: string[]) => Promise<void>;
  deleteForever: (ids: string[]) => Promise<void>;
  /** Back to the inbox (from Trash, or "not junk" from Junk). */
  restore: (ids: string[]) => Promise<void>;
  junk: (ids: string[]) => Promise<void>;
  /** Removes every message of a folder (Trash, Junk): the caller confirms first. */
  empty: (mailbox: string) => Promise<void>;
  trashName: string | null;
  junkName: string | null;
}

/** The kind of the folder called `name` among the user's folders (Trash, Junk …), if standard. */
export function useKindOf(): (name: string) => ReturnType<typeof kindOf> {
  const { folders } = useMail();
  return (name) => {
    const m = folders?.find((f) => f.name === name);
    return m ? kindOf(m) : name.toUpperCase() === 'INBOX' ? 'inbox' : null;
  };
}

/** Actions on many messages at once, reported through the live region; the shell refreshes counts and lists. */
export function useMessageActions(): MessageActions {
  const { t } = useI18n();
  const announce = useAnnounce();
  const { api, address, folders, changed, moveTo } = useMail();
  const trashName = folders ? folderOf(folders, 'trash') : null;
  const junkName = folders ? folderOf(folders, 'junk') : null;

  const bulk = useCallback(
    async (ids: string[], action: (id: string) => Promise<unknown>, done: string) => {
      const { failed } = await runBulk(ids, action);
      changed();
      announce(failed.length ? textOf(t, mailFailureText(failed[0])) : done);
    },
    [changed, announce, t],
  );

  return {
    trashName,
    junkName,
    setRead: (ids, read) =>
      bulk(
        ids,
        (id) => api.setUnread(address, id, !read),
        t(read ? 'mail.done.read' : 'mail.done.unread', { n: ids.length }),
      ),
    setFlagged: (ids, flagged) =>
      bulk(
        ids,
        (id) => api.setFlagged(address, id, flagged),
        t(flagged ? 'mail.done.flagged' : 'mail.done.unflagged', { n: ids.length }),
      ),
    trash: (ids) =>
      trashName
        ? bulk(
            ids,
            (id) => api.moveMessage(address, id, trashName),
            t('mail.done.trashed', { n: ids.length }),
          )
        : Promise.resolve(),
    deleteForever: (ids) =>
      bulk(ids, (id) => api.deleteMessage(address, id), t('mail.done.deleted', { n: ids.length })),
    restore: (ids) =>
      bulk(ids, (id) => api.moveMessage(address, id, 'INBOX'), t('mail.done.restored', { n: ids.length })),
    junk: (ids) => (junkName ? moveTo(ids, junkName) : Promise.resolve()),
    empty: async (mailbox) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await api.listMessages(address, { mailbox, limit: EMPTY_PAGE, cursor });
        ids.push(...page.items.map((m) => m.id));
        cursor = page.nextCursor;
      } while (cursor);
      await bulk(ids, (id) => api.deleteMessage(address, id), t('mail.done.emptied', { n: ids.length }));
    },
  };
}
