import type { MessageKey, Vars } from '../i18n/index.js';
import { ApiError } from './client.js';

/** A message to show, as a catalogue key and its placeholders (the view translates it). */
export interface Text {
  key: MessageKey;
  vars?: Vars;
}

/** How a notice on the login page is shown: an error is announced assertively, info politely. */
export interface Notice extends Text {
  kind: 'error' | 'info';
}

/**
 * Messages for the `?error=` codes a browser sign-in flow may land on
 * (`/login?error=…`, see the web session contract in the README).
 */
const LOGIN_CODES: Record<string, Notice> = {
  link_invalid: { kind: 'error', key: 'common.login.linkInvalid' },
  sso_failed: { kind: 'error', key: 'common.login.ssoFailed' },
  directory_unavailable: { kind: 'error', key: 'common.login.directoryUnavailable' },
  session_expired: { kind: 'info', key: 'common.login.sessionExpired' },
  signed_out: { kind: 'info', key: 'common.login.signedOut' },
};

/** The notice for a `?error=` code; unknown codes get a generic message (never the raw code). */
export function loginCodeNotice(code: string | null): Notice | null {
  if (!code) return null;
  return (
    (Object.hasOwn(LOGIN_CODES, code) ? LOGIN_CODES[code] : undefined) ?? {
      kind: 'error',
      key: 'common.login.failed',
    }
  );
}

/** A wait as a key: "30 seconds", "1 minute", "4 minutes". */
export function formatWait(seconds: number): Text {
  if (seconds < 60)
    return { key: seconds === 1 ? 'common.wait.second' : 'common.wait.seconds', vars: { n: seconds } };
  const minutes = Math.ceil(seconds / 60);
  return { key: minutes === 1 ? 'common.wait.minute' : 'common.wait.minutes', vars: { n: minutes } };
}

/** What the login form says when `POST /auth/login` fails. */
export function loginFailureText(error: unknown, retryIn?: number | null): Text {
  if (!(error instanceof ApiError)) return { key: 'common.error.generic' };
  switch (error.status) {
    case 0:
      return { key: 'common.error.unreachable' };
    case 401:
      return { key: 'common.login.badCredentials' };
    case 403:
      return { key: error.code === 'USER_DISABLED' ? 'common.login.disabled' : 'common.login.passwordOff' };
    case 422:
    case 400:
      return { key: 'common.login.missing' };
    case 429: {
      const wait = retryIn ?? error.retryAfter;
      return wait
        ? { key: 'common.login.tooManyWait', vars: { wait: waitVar(wait) } }
        : { key: 'common.login.tooMany' };
    }
    case 503:
      return {
        key:
          error.code === 'DIRECTORY_UNAVAILABLE'
            ? 'common.login.directoryUnavailable'
            : 'common.error.unavailable',
      };
    default:
      return { key: error.status >= 500 ? 'common.error.server' : 'common.login.failed' };
  }
}

/**
 * A wait inside another message: the nested key and count, joined as `key|n`
 * (the view's `text()` helper translates it; see {@link textOf}).
 */
function waitVar(seconds: number): string {
  const w = formatWait(seconds);
  return `${w.key}|${w.vars?.n}`;
}

/** Translates a {@link Text}, including a nested wait (`key|n`) in its placeholders. */
export function textOf(t: (key: MessageKey, vars?: Vars) => string, text: Text): string {
  const vars: Vars = {};
  for (const [name, value] of Object.entries(text.vars ?? {})) {
    const nested = typeof value === 'string' ? /^(common\.wait\.\w+)\|(\d+)$/.exec(value) : null;
    vars[name] = nested ? t(nested[1] as MessageKey, { n: Number(nested[2]) }) : value;
  }
  return t(text.key, vars);
}

/** What a mailbox view says when loading or changing mail fails (401 never gets here: it signs out). */
export function mailFailureText(error: unknown): Text {
  if (!(error instanceof ApiError)) return { key: 'common.error.generic' };
  if (error.status === 0) return { key: 'common.error.unreachable' };
  if (error.status === 404) return { key: 'mail.error.gone' };
  if (error.status === 409 && error.code.startsWith('MAILBOX_')) return { key: 'mail.error.folderConflict' };
  if (error.status === 429)
    return error.retryAfter
      ? { key: 'common.error.busyWait', vars: { wait: waitVar(error.retryAfter) } }
      : { key: 'common.error.busy' };
  if (error.status >= 500) return { key: 'common.error.server' };
  return { key: 'common.error.failed' };
}
