import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from '../api/client.js';
import type { Mailbox, Session } from '../api/types.js';

/** What every signed-in screen shares: the folders with their counts, and a signal that mail changed. */
export interface MailState {
  api: Api;
  session: Session;
  address: string;
  /** The user's mailboxes with unread counts; null until first loaded. */
  folders: Mailbox[] | null;
  /** Increases whenever mail changed (a live event or the user's own action): lists reload quietly. */
  version: number;
  /** Call after changing mail here: refreshes the folder counts and every open list. */
  changed: () => void;
  /** Moves `ids` to `mailbox` (by drag-and-drop on the sidebar, the Move menu or a shortcut). */
  moveTo: (ids: string[], mailbox: string) => Promise<void>;
}

export const MailContext = createContext<MailState | null>(null);

/** The shared mail state; only inside the signed-in shell. */
export function useMail(): MailState {
  const state = useContext(MailContext);
  if (!state) throw new Error('useMail outside the signed-in shell');
  return state;
}
