import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Api } from '../api/client.js';
import { mailFailureText, type Text, textOf } from '../api/messages.js';
import type { Address, MessageDetail, MessageSummary } from '../api/types.js';
import { useI18n } from '../i18n/index.js';
import { formatAddress, linkify } from '../mail/format.js';
import { frameDocument } from '../mail/frame.js';
import { sanitizeMail } from '../mail/sanitize.js';
import { messagePath, onLinkClick } from '../router.js';
import { ReplyActions } from './compose/reply-actions.js';
import { useFocusOnChange } from './focus.js';
import { useMessageActions } from './folders/actions.js';
import { useAnnounce } from './live.js';
import { MailFrame } from './mail-frame.js';

interface Props {
  api: Api;
  address: string;
  id: string;
  /** The user allowed remote images for this message (this document's CSP allows them too). */
  images: boolean;
  /** The list page to go back to, and its name (Inbox, Junk, a folder, search results). */
  backPath: string;
  backLabel?: string;
  onChanged: (m: MessageSummary) => void;
  onMarkedUnread: () => void;
  /** The message left this list (moved to Junk, or out of it). */
  onMoved?: (id: string) => void;
}

function AddressLine({ label, list }: { label: string; list: Address[] }) {
  if (list.length === 0) return null;
  return (
    <div class="headers__row">
      <dt>{label}</dt>
      <dd>{list.map(formatAddress).join(', ')}</dd>
    </div>
  );
}

function TextBody({ text }: { text: string }) {
  return (
    <div class="text-body">
      {linkify(text).map((piece, i) =>
        'href' in piece ? (
          <a key={i} href={piece.href} target="_blank" rel="noopener noreferrer">
            {piece.text}
          </a>
        ) : (
          piece.text
        ),
      )}
    </div>
  );
}

/** One message: headers, sanitized body, attachments, mark unread. Opening it marks it read. */
export function MessageView({
  api,
  address,
  id,
  images,
  backPath,
  backLabel,
  onChanged,
  onMarkedUnread,
  onMoved,
}: Props) {
  const [message, setMessage] = useState<MessageDetail | null>(null);
  const [junkName, setJunkName] = useState<string | null>(null);
  const [error, setError] = useState<Text | null>(null);
  const [busy, setBusy] = useState(false);
  const announce = useAnnounce();
  const { t, date, size, plural } = useI18n();
  const actions = useMessageActions();
  const headingRef = useFocusOnChange<HTMLHeadingElement>(
    `${id}:${message ? 'ready' : 'loading'}`,
    !!message,
  );

  useEffect(() => {
    let live = true;
    setMessage(null);
    setError(null);
    api.getMessage(address, id).then(
      async (m) => {
        if (!live) return;
        setMessage(m);
        document.title = t('common.title', { title: m.subject || t('mail.noSubject') });
        if (m.unread) {
          try {
            const updated = await api.setUnread(address, id, false);
            if (live) setMessage({ ...m, unread: false });
            onChanged(updated);
          } catch {
            // Still readable; the list keeps showing it unread.
          }
        }
      },
      (e) => live && setError(mailFailureText(e)),
    );
    api.junkMailbox(address).then(
      (name) => live && setJunkName(name),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [api, address, id]);

  const rendered = useMemo(() => {
    if (!message?.html) return null;
    const byCid = new Map(message.attachments.filter((a) => a.contentId).map((a) => [a.contentId, a.id]));
    const mail = sanitizeMail(message.html, {
      allowRemote: images,
      cidUrl: (cid) => {
        const attachmentId = byCid.get(cid);
        return attachmentId ? api.attachmentUrl(address, id, attachmentId) : null;
      },
    });
    return { ...mail, srcdoc: frameDocument(mail) };
  }, [message, images, api, address, id]);

  async function markUnread() {
    setBusy(true);
    try {
      onChanged(await api.setUnread(address, id, true));
      announce(t('mail.reader.markedUnread'));
      onMarkedUnread();
    } catch (e) {
      setError(mailFailureText(e));
    } finally {
      setBusy(false);
    }
  }

  async function moveToTrash() {
    if (!message) return;
    setBusy(true);
    await actions.trash([id]);
    setBusy(false);
    onMoved?.(id);
  }

  /** "Junk" / "Not junk": a move, which the server also learns from (the user's own spam filter). */
  async function toggleJunk() {
    if (!message || !junkName) return;
    const toJunk = message.mailbox !== junkName;
    setBusy(true);
    try {
      await api.moveMessage(address, id, toJunk ? junkName : 'INBOX');
      announce(t(toJunk ? 'mail.reader.movedToJunk' : 'mail.reader.movedToInbox'));
      onMoved?.(id);
    } catch (e) {
      setError(mailFailureText(e));
    } finally {
      setBusy(false);
    }
  }

  if (error)
    return (
      <div class="reader__state">
        <p class="notice notice--error" role="alert">
          {textOf(t, error)}
        </p>
        <a href={backPath} onClick={(e) => onLinkClick(e, backPath)}>
          {t('mail.reader.backTo', { name: backLabel ?? t('mail.folder.inbox') })}
        </a>
      </div>
    );
  if (!message)
    return (
      <p class="reader__state" aria-busy="true">
        {t('mail.reader.loading')}
      </p>
    );

  const used = new Set(rendered?.usedCids ?? []);
  const attachments = message.attachments.filter((a) => !(a.contentId && used.has(a.contentId)));
  return (
    <article class="message" aria-labelledby="message-subject">
      <div class="toolbar">
        <a class="button button--back" href={backPath} onClick={(e) => onLinkClick(e, backPath)}>
          <span aria-hidden="true">←</span> {backLabel ?? t('mail.folder.inbox')}
        </a>
        <button type="button" class="button" onClick={markUnread} disabled={busy}>
          {t('mail.action.markUnread')}
        </button>
        <ReplyActions id={id} />
        {junkName && (
          <button type="button" class="button" onClick={toggleJunk} disabled={busy}>
            {message.mailbox === junkName ? t('mail.action.notJunk') : t('mail.action.junk')}
          </button>
        )}
        {actions.trashName && message.mailbox !== actions.trashName && (
          <button type="button" class="button" onClick={moveToTrash} disabled={busy}>
            {t('mail.action.delete')}
          </button>
        )}
      </div>
      <h1 id="message-subject" class="message__subject" tabIndex={-1} ref={headingRef}>
        {message.subject || t('mail.noSubject')}
      </h1>
      <dl class="headers">
        <AddressLine label={t('mail.reader.from')} list={[message.from]} />
        <AddressLine label={t('mail.reader.to')} list={message.to} />
        <AddressLine label={t('mail.reader.cc')} list={message.cc} />
        <div class="headers__row">
          <dt>{t('mail.reader.date')}</dt>
          <dd>
            <time dateTime={message.date ?? message.receivedAt}>
              {date(message.date ?? message.receivedAt, { dateStyle: 'full', timeStyle: 'short' })}
            </time>
          </dd>
        </div>
      </dl>
      {rendered && rendered.blockedRemote > 0 && (
        <div class="remote-bar" role="note">
          <span>{t('mail.reader.imagesHidden')}</span>
          {/* A full page load: the page's Content-Security-Policy changes with it. */}
          <a class="button" href={messagePath(id, true)}>
            {t('mail.reader.showImages')}
          </a>
        </div>
      )}
      {images && rendered && (
        <div class="remote-bar" role="note">
          <span>{t('mail.reader.imagesShown')}</span>
          <a class="button" href={messagePath(id)}>
            {t('mail.reader.hideImages')}
          </a>
        </div>
      )}
      <div class="message__body">
        {rendered ? (
          <MailFrame
            srcdoc={rendered.srcdoc}
            title={t('mail.reader.frameTitle', { subject: message.subject || t('mail.noSubject') })}
          />
        ) : (
          <TextBody text={message.text ?? ''} />
        )}
      </div>
      {attachments.length > 0 && (
        <section class="attachments" aria-labelledby="attachments-title">
          <h2 id="attachments-title">
            {plural(attachments.length, 'mail.reader.attachment', 'mail.reader.attachments')}
          </h2>
          <ul>
            {attachments.map((a) => {
              const name = a.filename || `attachment-${a.id}`;
              return (
                <li key={a.id}>
                  <a href={api.attachmentUrl(address, id, a.id)} download={name}>
                    <span class="attachments__name">{name}</span>
                    <span class="attachments__meta">
                      {a.contentType}, {size(a.size)}
                    </span>
                  </a>
                </li>
              );
            })}
          </ul>
        </section>
      )}
    </article>
  );
}
