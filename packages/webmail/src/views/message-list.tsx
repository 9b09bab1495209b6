import type { MessageSummary } from '../api/types.js';
import { fullDate, listDate, senderName } from '../mail/format.js';
import { messagePath, onLinkClick } from '../router.js';

interface Props {
  items: MessageSummary[];
  /** The message open beside the list, if any. */
  currentId: string | null;
}

/** Arrow keys (and j/k) move between messages; Home/End jump; Enter opens (it is a link). */
function onListKey(event: KeyboardEvent) {
  const links = [...(event.currentTarget as HTMLElement).querySelectorAll<HTMLAnchorElement>('a.row__link')];
  const at = links.indexOf(document.activeElement as HTMLAnchorElement);
  let next = -1;
  if (event.key === 'ArrowDown' || event.key === 'j') next = Math.min(at + 1, links.length - 1);
  else if (event.key === 'ArrowUp' || event.key === 'k') next = Math.max(at - 1, 0);
  else if (event.key === 'Home') next = 0;
  else if (event.key === 'End') next = links.length - 1;
  else return;
  event.preventDefault();
  links[next]?.focus();
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

/** The inbox list: unread in bold, sender, subject, date, preview, attachment marker. */
export function MessageList({ items, currentId }: Props) {
  return (
    <ul class="list" aria-label="Messages" onKeyDown={onListKey}>
      {items.map((m) => {
        const path = messagePath(m.id);
        return (
          <li key={m.id} class={`row${m.unread ? ' row--unread' : ''}`} data-id={m.id}>
            <a
              class="row__link"
              href={path}
              aria-current={m.id === currentId ? 'page' : undefined}
              onClick={(e) => onLinkClick(e, path)}
            >
              <span class="row__from">
                {m.unread && <span class="sr-only">Unread. </span>}
                {senderName(m.from)}
              </span>
              <time
                class="row__date"
                dateTime={m.date ?? m.receivedAt}
                title={fullDate(m.date ?? m.receivedAt)}
              >
                {listDate(m.date ?? m.receivedAt)}
              </time>
              <span class="row__subject">
                {m.subject || '(no subject)'}
                {m.hasAttachments && (
                  <span class="row__clip" role="img" aria-label="Has attachments" title="Has attachments">
                    <PaperclipIcon />
                  </span>
                )}
              </span>
              <span class="row__preview">{m.preview}</span>
            </a>
          </li>
        );
      })}
    </ul>
  );
}
