import { tokenTimes, type WidgetApiError, type WidgetInbox, widgetApi } from './api.js';
import { localeOf, type MessageKey, t } from './i18n.js';
import { followEvents } from './live.js';
import { type Parts, renderInbox, renderSkeleton } from './render.js';
import { WIDGET_CSS } from './styles.js';

/** Where this script was loaded from: the jdmail server, unless `server` says otherwise. */
const SCRIPT_ORIGIN = new URL(import.meta.url).origin;
/**
 * `token-expired` fires this long before the token's `exp` (at most a fifth
 * of its lifetime), so a renewal lands before it lapses.
 */
const RENEW_MARGIN_MS = 60_000;
const MAX_LIMIT = 20;
/** Reloads after a burst of events are coalesced into one. */
const RELOAD_DEBOUNCE_MS = 250;

/** Why the page is asked for a new token (`event.detail.reason` of `token-expired`). */
export type ExpiryReason = 'expiring' | 'expired' | 'refused';

let sheet: CSSStyleSheet | null = null;

/**
 * `<jdmail-inbox token="…" server="https://mail.example.com" limit="5">`: a
 * signed-in employee's unread count and newest messages, live. Plain custom
 * element (no framework for the host page to load), styles in its shadow
 * root (constructed stylesheets: no inline `<style>` for the page's CSP to
 * refuse). Strings come from the catalogues by the nearest `lang`.
 *
 * Attributes: `token` (a widget token, required), `server` (default: the
 * origin this script came from), `limit` (messages shown, 0–20, default 5),
 * `theme` (`light`/`dark`; default follows the system), `refresh` (seconds
 * between reloads when the server has no event stream; default 15).
 *
 * Events: `token-expired` (`detail.reason`: `expiring` a minute before the
 * token's expiry, `expired`, or `refused` by the server) — set a new
 * `token` attribute or call `renew(token)`; the widget resumes the stream
 * where it stopped.
 */
export class JdmailInbox extends HTMLElement {
  static observedAttributes = ['token', 'server', 'limit', 'lang', 'refresh'];

  readonly #parts: Parts;
  #inbox: WidgetInbox | null = null;
  #status: MessageKey | null = 'loading';
  #run: AbortController | null = null;
  #timers: number[] = [];
  #reloadTimer = 0;
  #lastEventId: string | null = null;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    if ('adoptedStyleSheets' in root) {
      sheet ??= new CSSStyleSheet();
      sheet.replaceSync(WIDGET_CSS);
      root.adoptedStyleSheets = [sheet];
    }
    this.#parts = renderSkeleton(root, (id) => void this.#open(id));
  }

  connectedCallback(): void {
    this.#start();
  }

  disconnectedCallback(): void {
    this.#stop();
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (!this.isConnected || old === value) return;
    if (name === 'lang') this.#render();
    else this.#start();
  }

  /** Gives the widget a fresh token (what a `token-expired` listener calls). */
  renew(token: string): void {
    this.setAttribute('token', token);
  }

  get #token(): string {
    return this.getAttribute('token') ?? '';
  }

  get #server(): string {
    return (this.getAttribute('server') || SCRIPT_ORIGIN).replace(/\/+$/, '');
  }

  get #limit(): number {
    const n = Number.parseInt(this.getAttribute('limit') ?? '', 10);
    return Number.isFinite(n) ? Math.min(Math.max(n, 0), MAX_LIMIT) : 5;
  }

  get #locale() {
    return localeOf(this.closest('[lang]')?.getAttribute('lang') ?? document.documentElement.lang);
  }

  #start(): void {
    this.#stop();
    if (!this.#token) {
      this.#setStatus('expired');
      return;
    }
    const run = new AbortController();
    this.#run = run;
    this.#scheduleExpiry();
    void this.#reload(run);
    void followEvents({
      server: this.#server,
      token: () => this.#token,
      signal: run.signal,
      lastEventId: this.#lastEventId,
      onChange: () => this.#scheduleReload(run),
      onFailure: (e) => this.#failed(e, run),
      onUnavailable: () => this.#poll(run),
    }).then((id) => {
      this.#lastEventId = id;
    });
  }

  #stop(): void {
    this.#run?.abort();
    this.#run = null;
    for (const id of this.#timers) clearTimeout(id);
    this.#timers = [];
    clearTimeout(this.#reloadTimer);
  }

  /**
   * FALLBACK: a server without `GET /api/v1/events/stream` answers 404, and
   * the widget then reloads its summary every `refresh` seconds instead of
   * live. Remove once every supported server has the stream.
   */
  #poll(run: AbortController): void {
    const seconds = Math.max(5, Number(this.getAttribute('refresh')) || 15);
    const id = window.setInterval(() => {
      if (run.signal.aborted) clearInterval(id);
      else void this.#reload(run);
    }, seconds * 1000);
    run.signal.addEventListener('abort', () => clearInterval(id), { once: true });
  }

  #scheduleReload(run: AbortController): void {
    clearTimeout(this.#reloadTimer);
    this.#reloadTimer = window.setTimeout(() => void this.#reload(run), RELOAD_DEBOUNCE_MS);
  }

  async #reload(run: AbortController): Promise<void> {
    try {
      const inbox = await widgetApi(this.#server, () => this.#token).inbox(this.#limit);
      if (run.signal.aborted) return;
      this.#inbox = inbox;
      this.#setStatus(null);
    } catch (e) {
      if (!run.signal.aborted) this.#failed(e as WidgetApiError, run);
    }
  }

  #failed(e: WidgetApiError, run: AbortController): void {
    if (e.kind === 'token') {
      run.abort();
      this.#setStatus('expired');
      this.#expired('refused');
    } else {
      // A refused origin gets no CORS headers, so the page sees it as a network failure too.
      this.#setStatus('loadFailed');
      this.#timers.push(window.setTimeout(() => this.#scheduleReload(run), 10_000));
    }
  }

  #scheduleExpiry(): void {
    const times = tokenTimes(this.#token);
    if (times === null) return;
    const left = times.exp - Date.now();
    const margin = Math.min(RENEW_MARGIN_MS, (times.exp - times.iat) / 5);
    this.#timers.push(window.setTimeout(() => this.#expired('expiring'), Math.max(0, left - margin)));
    this.#timers.push(
      window.setTimeout(
        () => {
          this.#run?.abort();
          this.#setStatus('expired');
          this.#expired('expired');
        },
        Math.max(0, left),
      ),
    );
  }

  #expired(reason: ExpiryReason): void {
    const detail = { reason, expiresAt: tokenTimes(this.#token)?.exp ?? null };
    this.dispatchEvent(new CustomEvent('token-expired', { detail, bubbles: true, composed: true }));
  }

  #setStatus(status: MessageKey | null): void {
    this.#status = status;
    this.#render();
  }

  #render(): void {
    renderInbox(this.#parts, this.#inbox, this.#status, this.#locale);
  }

  /**
   * Opens a message in webmail, signed in: a window opened now (in the
   * click's user activation, so no popup blocker objects), sent to the
   * single-use login link once the server has made it.
   */
  async #open(id: string): Promise<void> {
    const win = window.open('', '_blank');
    if (win) win.opener = null;
    try {
      const { url } = await widgetApi(this.#server, () => this.#token).open(id);
      if (win) win.location.replace(url);
      else window.open(url, '_blank', 'noopener');
    } catch (e) {
      win?.close();
      if ((e as WidgetApiError).kind === 'token')
        this.#failed(e as WidgetApiError, this.#run ?? new AbortController());
      else this.#parts.status.textContent = t(this.#locale, 'openFailed');
    }
  }
}
