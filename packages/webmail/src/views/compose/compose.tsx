import DOMPurify from 'dompurify';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { type Api, ApiError } from '../../api/client.js';
import type { Address, Session } from '../../api/types.js';
import { type ComposeMode, navigate } from '../../router.js';
import { useFocusOnChange } from '../focus.js';
import { useAnnounce } from '../live.js';
import { AttachmentList } from './attachments.js';
import { createComposeApi, type SendRequest } from './compose-api.js';
import { useComposeText } from './compose-text.js';
import { type Body, BodyEditor, textToHtml } from './editor.js';
import { type ComposeStart, startFrom, startFromDraft } from './quote.js';
import { Recipients } from './recipients.js';
import { type Signature, withSignature } from './signature.js';
import { useDraft } from './use-draft.js';
import { useUploads } from './use-uploads.js';
import './compose.css';

interface Props {
  api: Api;
  session: Session;
  mode: ComposeMode;
  of: string | null;
  draft: string | null;
  to: string | null;
}

/** HTML as it may be saved or sent: no script, no handler, no form (the server does not trust it either). */
const clean = (html: string) => DOMPurify.sanitize(html, { FORBID_TAGS: ['style', 'form', 'input'] });

const RECIPIENT_ERRORS = new Set([
  'RECIPIENT_UNKNOWN',
  'RECIPIENT_NOT_LOCAL',
  'VALIDATION_FAILED',
  'USER_NOT_FOUND',
]);

/** The compose screen: new, reply, reply-all, forward (inline or as attachment), or a draft re-opened. */
export function Compose({ api, session, mode, of, draft: draftParam, to: toParam }: Props) {
  const { text, i18n } = useComposeText();
  const announce = useAnnounce();
  const me = session.user.address;
  const composeApi = useMemo(() => createComposeApi(me, session.csrfToken), [me, session.csrfToken]);
  const [to, setTo] = useState<Address[]>([]);
  const [cc, setCc] = useState<Address[]>([]);
  const [bcc, setBcc] = useState<Address[]>([]);
  const [showCc, setShowCc] = useState(false);
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState<Body>({ mode: 'rich', html: '', text: '' });
  const [thread, setThread] = useState<{ inReplyTo?: string; references?: string[] }>({});
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [dragging, setDragging] = useState(false);
  const heading = useFocusOnChange<HTMLHeadingElement>(`compose-${mode}-${of ?? ''}-${draftParam ?? ''}`);
  const changed = useRef(() => {});
  const onChange = useCallback(() => changed.current(), []);
  const uploads = useUploads(composeApi, text, i18n, onChange);

  const request = useCallback((): SendRequest => {
    const ready = uploads.items.filter((a) => a.state === 'ready' && a.source);
    return {
      to,
      cc,
      bcc,
      subject,
      ...(body.mode === 'rich' ? { html: clean(body.html) } : { text: body.text }),
      ...thread,
      attachments: ready.map((a) => a.source as NonNullable<typeof a.source>),
    };
  }, [to, cc, bcc, subject, body, thread, uploads.items]);

  const draft = useDraft({
    api,
    composeApi,
    me,
    initialId: draftParam,
    request,
    uploads,
    loaded,
    sending,
    text,
    i18n,
  });
  changed.current = draft.touch;

  // The starting fields: a draft's, a reply's or forward's, or a `to` from a mailto-like link.
  useEffect(() => {
    const source = draftParam ?? (mode !== 'new' ? of : null);
    // The signature goes into new messages, replies and forwards, not into a re-opened draft (it has it).
    const signature: Promise<Signature | null> = draftParam
      ? Promise.resolve(null)
      : api.userSettings(me).then(
          (settings) => settings.signature,
          () => null, // no settings (or an older server): write without a signature
        );
    const apply = (s: ComposeStart, sig: Signature | null = null) => {
      setTo(s.to);
      setCc(s.cc);
      setBcc(s.bcc);
      setShowCc(s.cc.length + s.bcc.length > 0);
      setSubject(s.subject);
      setBody(
        withSignature(
          s.html || !s.text
            ? { mode: 'rich', html: s.html, text: s.text }
            : { mode: 'plain', html: '', text: s.text },
          sig,
        ),
      );
      setThread({ inReplyTo: s.inReplyTo, references: s.references });
      uploads.carry(s.carried);
      setLoaded(true);
    };
    if (!source) {
      if (toParam) setTo([{ name: '', address: toParam }]);
      void signature.then((sig) => {
        setBody((b) => withSignature(b, sig));
        setLoaded(true);
      });
      return;
    }
    api.getMessage(me, source).then(
      (m) => {
        if (draftParam) return apply(startFromDraft(m));
        const words = {
          re: text('subject.re'),
          fwd: text('subject.fwd'),
          wrote: (sender: string, date: string) => text('quote.wrote', { sender, date }),
          forwarded: text('quote.forwarded'),
          header: (f: 'from' | 'date' | 'subject' | 'to', value: string) => text(`quote.${f}`, { value }),
          date: (iso: string) => i18n.date(iso),
          forwardedName: text('attach.forwarded'),
        };
        const start = startFrom(mode as Exclude<ComposeMode, 'new'>, m, me, words, clean);
        void signature.then((sig) => apply(start, sig));
      },
      (e: unknown) => {
        setError(text('error.load', { reason: e instanceof ApiError ? e.detail || e.code : '' }));
        setLoaded(true);
      },
    );
  }, [api, me, mode, of, draftParam, toParam]);

  const edit =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      draft.touch();
    };

  const send = async () => {
    setError(null);
    if (to.length + cc.length + bcc.length === 0) return setError(text('error.noRecipient'));
    if (uploads.items.some((a) => a.state === 'uploading')) return setError(text('error.uploading'));
    setSending(true);
    try {
      await draft.settled();
      await composeApi.send({ ...request(), ...(draft.id.current ? { draftId: draft.id.current } : {}) });
      draft.forget();
      announce(text('sent'));
      navigate('/');
    } catch (e) {
      const reason = e instanceof ApiError ? e.detail || e.code : '';
      setError(
        e instanceof ApiError && e.status === 0
          ? text('error.send', { reason: text('error.network') })
          : e instanceof ApiError && RECIPIENT_ERRORS.has(e.code)
            ? text('error.recipient', { reason })
            : text('error.send', { reason }),
      );
      setSending(false);
    }
  };

  const discard = async () => {
    if (!confirm(text('discardConfirm'))) return;
    await draft.discard();
    for (const a of uploads.items)
      if (a.source && 'uploadId' in a.source) composeApi.deleteUpload(a.source.uploadId).catch(() => {});
    announce(text('discarded'));
    history.length > 1 ? history.back() : navigate('/');
  };

  const title = draftParam
    ? 'title.draft'
    : mode === 'new'
      ? 'title.new'
      : mode === 'forwardAttachment'
        ? 'title.forward'
        : (`title.${mode}` as const);
  if (!loaded)
    return (
      <p class="reader__state" aria-busy="true">
        {text('draft.loading')}
      </p>
    );
  return (
    <form
      class={dragging ? 'compose compose--dragging' : 'compose'}
      aria-labelledby="compose-title"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
      onDragOver={(e) => {
        if (!e.dataTransfer?.types.includes('Files')) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (e.target === e.currentTarget) setDragging(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        if (e.dataTransfer?.files.length) uploads.addFiles(e.dataTransfer.files);
      }}
    >
      <div class="compose__top">
        <h1 id="compose-title" class="compose__title" tabIndex={-1} ref={heading}>
          {text(title)}
        </h1>
        <span class="compose__saved" aria-live="polite" data-testid="draft-status">
          {draft.status}
        </span>
      </div>
      <div class="toolbar compose__actions">
        <button type="submit" class="button button--primary" disabled={sending}>
          {sending ? text('sending') : text('send')}
        </button>
        <button type="button" class="button" onClick={() => void draft.saveNow()} disabled={sending}>
          {text('draft.save')}
        </button>
        <button type="button" class="button button--quiet" onClick={() => void discard()} disabled={sending}>
          {text('discard')}
        </button>
      </div>
      {error && (
        <p class="notice notice--error" role="alert">
          {error}
        </p>
      )}
      <div class="compose__fields">
        <Recipients
          id="compose-to"
          label={text('field.to')}
          value={to}
          onChange={edit(setTo)}
          api={composeApi}
          text={text}
        />
        {showCc ? (
          <>
            <Recipients
              id="compose-cc"
              label={text('field.cc')}
              value={cc}
              onChange={edit(setCc)}
              api={composeApi}
              text={text}
            />
            <Recipients
              id="compose-bcc"
              label={text('field.bcc')}
              value={bcc}
              onChange={edit(setBcc)}
              api={composeApi}
              text={text}
            />
          </>
        ) : (
          <button type="button" class="button button--quiet compose__show-cc" onClick={() => setShowCc(true)}>
            {text('field.showCc')}
          </button>
        )}
        <div class="compose__subject">
          <label class="compose__label" for="compose-subject">
            {text('field.subject')}
          </label>
          <input
            id="compose-subject"
            type="text"
            value={subject}
            maxLength={998}
            onInput={(e) => edit(setSubject)((e.target as HTMLInputElement).value)}
          />
        </div>
      </div>
      <span id="compose-body-label" class="visually-hidden">
        {text('field.body')}
      </span>
      <BodyEditor body={body} onChange={edit(setBody)} text={text} labelledBy="compose-body-label" />
      <AttachmentList
        items={uploads.items}
        onRemove={uploads.remove}
        onPick={(f) => uploads.addFiles(f)}
        limit={uploads.limit}
        text={text}
        i18n={i18n}
      />
      {dragging && (
        <div class="compose__drop" aria-hidden="true">
          {text('attach.drop')}
        </div>
      )}
    </form>
  );
}

export { textToHtml };
