import { useCallback } from 'preact/hooks';
import type { BatchAction } from '../../api/client.js';
import { mailFailureText, textOf } from '../../api/messages.js';
import { useI18n } from '../../i18n/index.js';
import { useAnnounce } from '../live.js';
import { useMail } from '../mail-context.js';
import { runBatch } from './bulk.js';
import { folderOf, kindOf } from './tree.js';

/** Messages asked for per page when emptying a folder (their ids go out in one batch request). */
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
    async (ids: string[], action: BatchAction, done: string, mailbox?: string) => {
      const { failed } = await runBatch(api, address, ids, action, mailbox);
      changed();
      announce(failed.length ? textOf(t, mailFailureText(failed[0])) : done);
    },
    [api, address, changed, announce, t],
  );

  return {
    trashName,
    junkName,
    setRead: (ids, read) =>
      bulk(ids, read ? 'read' : 'unread', t(read ? 'mail.done.read' : 'mail.done.unread', { n: ids.length })),
    setFlagged: (ids, flagged) =>
      bulk(
        ids,
        flagged ? 'flag' : 'unflag',
        t(flagged ? 'mail.done.flagged' : 'mail.done.unflagged', { n: ids.length }),
      ),
    trash: (ids) =>
      trashName ? bulk(ids, 'move', t('mail.done.trashed', { n: ids.length }), trashName) : Promise.resolve(),
    deleteForever: (ids) => bulk(ids, 'delete', t('mail.done.deleted', { n: ids.length })),
    restore: (ids) => bulk(ids, 'move', t('mail.done.restored', { n: ids.length }), 'INBOX'),
    junk: (ids) => (junkName ? moveTo(ids, junkName) : Promise.resolve()),
    empty: async (mailbox) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await api.listMessages(address, { mailbox, limit: EMPTY_PAGE, cursor });
        ids.push(...page.items.map((m) => m.id));
        cursor = page.nextCursor;
      } while (cursor);
      await bulk(ids, 'delete', t('mail.done.emptied', { n: ids.length }));
    },
  };
}
