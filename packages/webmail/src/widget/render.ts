import type { WidgetInbox, WidgetMessage } from './api.js';
import { type MessageKey, t } from './i18n.js';

type Locale = 'en' | 'zh-CN';

/** The fixed elements of the widget's shadow tree; only their contents change. */
export interface Parts {
  title: HTMLHeadingElement;
  count: HTMLSpanElement;
  list: HTMLUListElement;
  status: HTMLParagraphElement;
}

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, className = '', text = '') => {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text) e.textContent = text;
  return e;
};

/**
 * Builds the skeleton: a region named by its heading, the unread count (a
 * polite live region, so a screen reader hears new mail), a list of buttons
 * (Tab reaches each; arrow keys, Home and End move along the list) and a
 * status line. Everything from a message is set as text, never as HTML.
 */
export function renderSkeleton(root: ShadowRoot, onOpen: (id: string) => void): Parts {
  const section = el('section');
  section.setAttribute('part', 'widget');
  const header = el('header');
  const title = el('h2');
  title.id = 'jd-title';
  section.setAttribute('aria-labelledby', 'jd-title');
  const count = el('span', 'count');
  count.setAttribute('aria-live', 'polite');
  header.append(title, count);
  const list = el('ul');
  list.setAttribute('role', 'list');
  const status = el('p', 'status');
  status.setAttribute('role', 'status');
  section.append(header, list, status);
  root.append(section);

  list.addEventListener('click', (e) => {
    const button = (e.target as Element).closest('button');
    if (button?.dataset.id) onOpen(button.dataset.id);
  });
  list.addEventListener('keydown', (e) => moveFocus(list, e));
  return { title, count, list, status };
}

function moveFocus(list: HTMLUListElement, e: KeyboardEvent): void {
  const buttons = [...list.querySelectorAll('button')];
  const at = buttons.indexOf((list.getRootNode() as ShadowRoot).activeElement as HTMLButtonElement);
  const next =
    e.key === 'ArrowDown'
      ? at + 1
      : e.key === 'ArrowUp'
        ? at - 1
        : e.key === 'Home'
          ? 0
          : e.key === 'End'
            ? -1
            : null;
  if (next === null || buttons.length === 0) return;
  e.preventDefault();
  buttons.at(next === -1 ? -1 : Math.min(Math.max(next, 0), buttons.length - 1))?.focus();
}

/** Fills the skeleton from the summary (null until the first load) and the status line. */
export function renderInbox(
  parts: Parts,
  inbox: WidgetInbox | null,
  status: MessageKey | null,
  locale: Locale,
): void {
  parts.title.textContent = t(locale, 'title');
  parts.list.setAttribute('aria-label', t(locale, 'listLabel'));
  parts.count.textContent = inbox
    ? inbox.unread > 0
      ? t(locale, 'unread', { n: inbox.unread })
      : t(locale, 'unreadNone')
    : '';
  parts.count.classList.toggle('zero', inbox?.unread === 0);
  parts.list.replaceChildren(...(inbox?.messages ?? []).map((m) => item(m, locale)));
  const empty = inbox !== null && inbox.messages.length === 0 && status === null;
  parts.status.textContent = status ? t(locale, status) : empty ? t(locale, 'empty') : '';
}

function item(m: WidgetMessage, locale: Locale): HTMLLIElement {
  const li = el('li');
  const button = el('button', m.unread ? 'unread' : '');
  button.type = 'button';
  button.dataset.id = m.id;
  button.title = t(locale, 'openHint');
  const dot = el('span', 'dot');
  dot.setAttribute('aria-hidden', 'true');
  const name = m.from.name || m.from.address;
  const from = el('span', 'from', name);
  from.setAttribute('aria-label', t(locale, 'from', { name }));
  const time = el('time', '', formatTime(m.date, locale));
  time.dateTime = m.date;
  const subject = el('span', 'subject', m.subject || t(locale, 'noSubject'));
  button.append(dot, from, time, subject);
  if (m.unread) button.prepend(el('span', 'sr', `${t(locale, 'unreadMark')}: `));
  li.append(button);
  return li;
}

/** Today: the time; this year: day and month; older: the date with its year. */
export function formatTime(iso: string, locale: Locale, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const sameDay = d.toDateString() === now.toDateString();
  const options: Intl.DateTimeFormatOptions = sameDay
    ? { hour: '2-digit', minute: '2-digit' }
    : d.getFullYear() === now.getFullYear()
      ? { month: 'short', day: 'numeric' }
      : { year: 'numeric', month: 'short', day: 'numeric' };
  return new Intl.DateTimeFormat(locale, options).format(d);
}
