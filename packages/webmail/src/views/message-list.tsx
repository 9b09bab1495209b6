import type { MessageSummary } from '../api/types.js';
import { useI18n } from '../i18n/index.js';
import { listDate, senderName } from '../mail/format.js';
import { messagePath, onLinkClick } from '../router.js';
import type { Selection } from './folders/selection.js';
import { DRAG_TYPE } from './folders/sidebar.js';

interface Props {
  items: MessageSummary[];
  /** The message open beside the list, if any. */
  currentId: string | null;
  /** Ticked rows; without it the list has no checkboxes (nothing to act on). */
  selection?: Selection;
  onToggle?: (id: string, range: boolean) => void;
  /** Each row names its folder (search results span folders). */
  folderLabel?: (name: string) => string;
}

/** The row links of a list, in order. */
export const rowLinks = (root: ParentNode = document) => [
  ...root.querySelectorAll<HTMLAnchorElement>('.list a.row__link'),
];

/** Home/End jump to the first and last message (j/k and arrows work page-wide, see shortcuts.ts). */
function onListKey(event: KeyboardEvent) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key !== 'Home' && event.key !== 'End') return;
  const links = rowLinks(event.currentTarget as HTMLElement);
  event.preventDefault();
  links[event.key === 'Home' ? 0 : links.length - 1]?.focus();
}

function PaperclipIcon() {
  return (
    <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path
        d="M16.5 6.5 8.6 14.4a2 2 0 1 0 2.8 2.8l8-8a4 4 0 0 0-5.7-5.7l-8 8a6 6 0 0 0 8.5 8.5l7-7"
        fill="none"
        stroke="currentColor"
        stroke-width="2"
        stroke-linecap="round"
      />
    </svg>
  );
}

/** The ids a drag of `id` carries: the whole selection when the row is part of it. */
function draggedIds(id: string, selection?: Selection): string[] {
  return selection?.ids.has(id) ? [...selection.ids] : [id];
}

/** A message list: unread in bold, sender, subject, date, preview, flag and attachment markers, checkboxes. */
export function MessageList({ items, currentId, selection, onToggle, folderLabel }: Props) {
  const { t, date, locale } = useI18n();
  return (
    <ul class="list" aria-label={t('mail.list.label')} onKeyDown={onListKey}>
      {items.map((m) => {
        const path = messagePath(m.id);
        const when = m.date ?? m.receivedAt;
        const subject = m.subject || t('mail.noSubject');
        const ticked = selection?.ids.has(m.id) ?? false;
        return (
          <li
            key={m.id}
            class={`row${m.unread ? ' row--unread' : ''}${ticked ? ' row--selected' : ''}${onToggle ? ' row--selectable' : ''}`}
            data-id={m.id}
            draggable={!!onToggle}
            onDragStart={(e) => {
              const ids = draggedIds(m.id, selection);
              e.dataTransfer?.setData(DRAG_TYPE, ids.join('\n'));
              e.dataTransfer?.setData('text/plain', subject);
              if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
            }}
          >
            {onToggle && (
              <input
                type="checkbox"
                class="row__check"
                checked={ticked}
                aria-label={t('mail.list.select', { subject })}
                onClick={(e) => onToggle(m.id, e.shiftKey)}
              />
            )}
            <a
              class="row__link"
              href={path}
              draggable={false}
              aria-current={m.id === currentId ? 'page' : undefined}
              onClick={(e) => onLinkClick(e, path)}
            >
              <span class="row__from">
                {m.unread && <span class="sr-only">{t('mail.list.unreadPrefix')}</span>}
                {senderName(m.from, t('mail.unknownSender'))}
              </span>
              <time
                class="row__date"
                dateTime={when}
                title={date(when, { dateStyle: 'full', timeStyle: 'short' })}
              >
                {listDate(when, new Date(), locale)}
              </time>
              <span class="row__subject">
                <span class="row__subject-text">{subject}</span>
                {m.flagged && (
                  <span
                    class="row__flag"
                    role="img"
                    aria-label={t('mail.list.flagged')}
                    title={t('mail.list.flagged')}
                  >
                    ★
                  </span>
                )}
                {m.hasAttachments && (
                  <span
                    class="row__clip"
                    role="img"
                    aria-label={t('mail.list.hasAttachments')}
                    title={t('mail.list.hasAttachments')}
                  >
                    <PaperclipIcon />
                  </span>
                )}
              </span>
              <span class="row__preview">
                {folderLabel && <span class="row__folder">{folderLabel(m.mailbox)}</span>}
                {m.preview}
              </span>
            </a>
          </li>
        );
      })}
    </ul>
  );
}
