import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Api } from '../api/client.js';
import { mailFailureText } from '../api/messages.js';
import type { Address, MessageDetail, MessageSummary } from '../api/types.js';
import { formatAddress, formatSize, fullDate, linkify } from '../mail/format.js';
import { frameDocument } from '../mail/frame.js';
import { sanitizeMail } from '../mail/sanitize.js';
import { messagePath, onLinkClick } from '../router.js';
import { ReplyActions } from './compose/reply-actions.js';
import { useFocusOnChange } from './focus.js';
import { useAnnounce } from './live.js';
import { MailFrame } from './mail-frame.js';

interface Props {
  api: Api;
  address: string;
  id: string;
  /** The user allowed remote images for this message (this document's CSP allows them too). */
  images: boolean;
  /** The list page to go back to, and its name (Inbox, Junk). */
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
  backLabel = 'Inbox',
  onChanged,
  onMarkedUnread,
  onMoved,
}: Props) {
  const [message, setMessage] = useState<MessageDetail | null>(null);
  const [junkName, setJunkName] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const announce = useAnnounce();
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
        document.title = `${m.subject || '(no subject)'} — jdmail`;
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
      announce('Marked as unread');
      onMarkedUnread();
    } catch (e) {
      setError(mailFailureText(e));
    } finally {
      setBusy(false);
    }
  }

  /** "Junk" / "Not junk": a move, which the server also learns from (the user's own spam filter). */
  async function toggleJunk() {
    if (!message || !junkName) return;
    const toJunk = message.mailbox !== junkName;
    setBusy(true);
    try {
      await api.moveMessage(address, id, toJunk ? junkName : 'INBOX');
      announce(toJunk ? 'Moved to Junk' : 'Moved to Inbox');
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
          {error}
        </p>
        <a href={backPath} onClick={(e) => onLinkClick(e, backPath)}>
          Back to Inbox
        </a>
      </div>
    );
  if (!message)
    return (
      <p class="reader__state" aria-busy="true">
        Loading message…
      </p>
    );

  const used = new Set(rendered?.usedCids ?? []);
  const attachments = message.attachments.filter((a) => !(a.contentId && used.has(a.contentId)));
  return (
    <article class="message" aria-labelledby="message-subject">
      <div class="toolbar">
        <a class="button button--back" href={backPath} onClick={(e) => onLinkClick(e, backPath)}>
          <span aria-hidden="true">←</span> {backLabel}
        </a>
        <button type="button" class="button" onClick={markUnread} disabled={busy}>
          Mark as unread
        </button>
        <ReplyActions id={id} />
        {junkName && (
          <button type="button" class="button" onClick={toggleJunk} disabled={busy}>
            {message.mailbox === junkName ? 'Not junk' : 'Junk'}
          </button>
        )}
      </div>
      <h1 id="message-subject" class="message__subject" tabIndex={-1} ref={headingRef}>
        {message.subject || '(no subject)'}
      </h1>
      <dl class="headers">
        <AddressLine label="From" list={[message.from]} />
        <AddressLine label="To" list={message.to} />
        <AddressLine label="Cc" list={message.cc} />
        <div class="headers__row">
          <dt>Date</dt>
          <dd>
            <time dateTime={message.date ?? message.receivedAt}>
              {fullDate(message.date ?? message.receivedAt)}
            </time>
          </dd>
        </div>
      </dl>
      {rendered && rendered.blockedRemote > 0 && (
        <div class="remote-bar" role="note">
          <span>Remote images in this message are hidden to protect your privacy.</span>
          {/* A full page load: the page's Content-Security-Policy changes with it. */}
          <a class="button" href={messagePath(id, true)}>
            Show images
          </a>
        </div>
      )}
      {images && rendered && (
        <div class="remote-bar" role="note">
          <span>Remote images are shown for this message.</span>
          <a class="button" href={messagePath(id)}>
            Hide images
          </a>
        </div>
      )}
      <div class="message__body">
        {rendered ? (
          <MailFrame srcdoc={rendered.srcdoc} title={`Message: ${message.subject || '(no subject)'}`} />
        ) : (
          <TextBody text={message.text ?? ''} />
        )}
      </div>
      {attachments.length > 0 && (
        <section class="attachments" aria-labelledby="attachments-title">
          <h2 id="attachments-title">
            {attachments.length === 1 ? '1 attachment' : `${attachments.length} attachments`}
          </h2>
          <ul>
            {attachments.map((a) => {
              const name = a.filename || `attachment-${a.id}`;
              return (
                <li key={a.id}>
                  <a href={api.attachmentUrl(address, id, a.id)} download={name}>
                    <span class="attachments__name">{name}</span>
                    <span class="attachments__meta">
                      {a.contentType}, {formatSize(a.size)}
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
