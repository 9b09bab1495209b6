import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { type Api, ApiError } from '../../api/client.js';
import type { I18n } from '../../i18n/index.js';
import { composePath } from '../../router.js';
import type { ComposeApi, SendRequest } from './compose-api.js';
import type { ComposeText } from './compose-text.js';
import type { useUploads } from './use-uploads.js';

/** How often a changed message is saved as a draft. */
const AUTOSAVE_MS = 5000;
/** A keepalive request's body may be at most 64 KiB (Fetch standard); larger drafts save normally. */
const KEEPALIVE_MAX = 60 * 1024;

interface Options {
  api: Api;
  composeApi: ComposeApi;
  me: string;
  initialId: string | null;
  request: () => SendRequest;
  uploads: ReturnType<typeof useUploads>;
  loaded: boolean;
  sending: boolean;
  text: ComposeText;
  i18n: I18n;
}

/**
 * The draft of the message being written: saved every few seconds when it changed, when the page
 * is hidden or left (`keepalive`, so the request outlives the page), and on demand. Each save
 * replaces the previous version (a new id, put in the URL so that a reload re-opens it);
 * attachments carried from the previous version are pointed at the new one.
 */
export function useDraft(o: Options) {
  const id = useRef<string | null>(o.initialId);
  const version = useRef(0);
  const savedVersion = useRef(0);
  const done = useRef(false);
  const chain = useRef<Promise<void>>(Promise.resolve());
  const latest = useRef(o);
  latest.current = o;
  const [status, setStatus] = useState('');

  const touch = useCallback(() => {
    version.current++;
  }, []);

  /** Points attachments that came from the replaced version at the new one (same order). */
  const follow = async (old: string, sent: string[], newId: string) => {
    const { api, me, uploads } = latest.current;
    const moved = uploads.items.filter(
      (a) => a.source && 'fromMessage' in a.source && a.source.fromMessage === old,
    );
    if (moved.length === 0) return;
    const detail = await api.getMessage(me, newId);
    uploads.setItems((list) =>
      list.map((a) => {
        const i = sent.indexOf(a.key);
        const part = detail.attachments[i];
        return moved.includes(a) && part
          ? { ...a, source: { fromMessage: newId, attachmentId: part.id } }
          : a;
      }),
    );
  };

  const save = useCallback((keepalive = false): Promise<void> => {
    const run = async () => {
      const v = version.current;
      if (done.current || v === savedVersion.current) return;
      const { composeApi, request, uploads, text, i18n } = latest.current;
      const { draftId: _unused, ...body } = request() as SendRequest & { draftId?: string };
      const sent = uploads.items.filter((a) => a.state === 'ready' && a.source).map((a) => a.key);
      const small = keepalive && JSON.stringify(body).length < KEEPALIVE_MAX;
      setStatus(text('draft.saving'));
      const old = id.current;
      const saved = old
        ? await composeApi.replaceDraft(old, body, small)
        : await composeApi.createDraft(body, small);
      id.current = saved.id;
      savedVersion.current = v;
      if (!done.current) history.replaceState(history.state, '', composePath({ draft: saved.id }));
      setStatus(text('draft.saved', { time: i18n.date(Date.now(), { hour: '2-digit', minute: '2-digit' }) }));
      if (old) await follow(old, sent, saved.id);
    };
    chain.current = chain.current.then(run).catch((e: unknown) => {
      const { text } = latest.current;
      const reason = e instanceof ApiError ? e.detail || e.code : '';
      setStatus(text('draft.failed', { reason: reason || text('error.network') }));
    });
    return chain.current;
  }, []);

  useEffect(() => {
    const timer = setInterval(() => {
      const { loaded, sending, uploads } = latest.current;
      if (loaded && !sending && !uploads.items.some((a) => a.state === 'uploading')) void save();
    }, AUTOSAVE_MS);
    const leave = () => {
      if (document.visibilityState === 'hidden' || !document.hasFocus()) void save(true);
    };
    const hide = () => void save(true);
    document.addEventListener('visibilitychange', leave);
    window.addEventListener('pagehide', hide);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', leave);
      window.removeEventListener('pagehide', hide);
      // Leaving the screen inside the app saves what was written.
      void save();
    };
  }, [save]);

  return {
    id,
    status,
    touch,
    saveNow: () => {
      version.current++;
      return save();
    },
    /** Waits for a save in flight (a send then names the draft it replaces). */
    settled: () => chain.current,
    /** Sent: nothing more is saved. */
    forget: () => {
      done.current = true;
    },
    async discard() {
      done.current = true;
      await chain.current;
      if (id.current) await latest.current.composeApi.deleteMessage(id.current).catch(() => {});
    },
  };
}
