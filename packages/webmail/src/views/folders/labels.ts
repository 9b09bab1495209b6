import type { Mailbox } from '../../api/types.js';
import { type MessageKey, useI18n } from '../../i18n/index.js';
import { kindOf, leafOf, type StandardKind } from './tree.js';

/** Catalogue keys of the standard folders: shown in the user's language, never by their IMAP name. */
export const KIND_KEYS: Record<StandardKind, MessageKey> = {
  inbox: 'mail.folder.inbox',
  drafts: 'mail.folder.drafts',
  sent: 'mail.folder.sent',
  archive: 'mail.folder.archive',
  junk: 'mail.folder.junk',
  trash: 'mail.folder.trash',
};

/** A folder's name as the user reads it: the localized standard name, else the last level of its own name. */
export function useFolderLabel(): (m: Pick<Mailbox, 'name' | 'specialUse'>, full?: boolean) => string {
  const { t } = useI18n();
  return (m, full = false) => {
    const kind = kindOf(m);
    return kind ? t(KIND_KEYS[kind]) : full ? m.name : leafOf(m.name);
  };
}
