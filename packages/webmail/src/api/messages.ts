import { ApiError } from './client.js';

/** How a notice on the login page is shown: an error is announced assertively, info politely. */
export interface Notice {
  kind: 'error' | 'info';
  text: string;
}

/**
 * Messages for the `?error=` codes a browser sign-in flow may land on
 * (`/login?error=…`, see the web session contract in the README).
 */
const LOGIN_CODES: Record<string, Notice> = {
  link_invalid: {
    kind: 'error',
    text: 'This sign-in link cannot be used. Links work only once and expire after a short time — go back to your portal and open Mail again, or sign in below.',
  },
  sso_failed: {
    kind: 'error',
    text: 'Single sign-on did not complete. Try again, or sign in with your password.',
  },
  directory_unavailable: {
    kind: 'error',
    text: 'The user directory cannot be reached right now, so nobody can be signed in. Try again in a few minutes.',
  },
  session_expired: { kind: 'info', text: 'Your session has ended. Please sign in again.' },
  signed_out: { kind: 'info', text: 'You have signed out.' },
};

/** The notice for a `?error=` code; unknown codes get a generic message (never the raw code). */
export function loginCodeNotice(code: string | null): Notice | null {
  if (!code) return null;
  return (
    (Object.hasOwn(LOGIN_CODES, code) ? LOGIN_CODES[code] : undefined) ?? {
      kind: 'error',
      text: 'Signing in did not work. Please try again.',
    }
  );
}

/** "30 seconds", "1 minute", "4 minutes". */
export function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} ${seconds === 1 ? 'second' : 'seconds'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
}

/** What the login form says when `POST /auth/login` fails. */
export function loginFailureText(error: unknown, retryIn?: number | null): string {
  if (!(error instanceof ApiError)) return 'Something went wrong. Please try again.';
  switch (error.status) {
    case 0:
      return 'The mail server cannot be reached. Check your connection and try again.';
    case 401:
      return 'That address and password do not match an account. Check both and try again.';
    case 403:
      return error.code === 'USER_DISABLED'
        ? 'This account is disabled. Ask your administrator.'
        : 'Password sign-in is turned off here. Use a single sign-on button instead.';
    case 422:
    case 400:
      return 'Enter your full e-mail address and your password.';
    case 429: {
      const wait = retryIn ?? error.retryAfter;
      return wait
        ? `Too many sign-in attempts. Try again in ${formatWait(wait)}.`
        : 'Too many sign-in attempts. Wait a moment, then try again.';
    }
    case 503:
      return error.code === 'DIRECTORY_UNAVAILABLE'
        ? 'The user directory cannot be reached right now, so nobody can be signed in. Try again in a few minutes.'
        : 'The mail server is not available right now. Try again in a few minutes.';
    default:
      return error.status >= 500
        ? 'The mail server had a problem. Try again in a moment.'
        : 'Signing in did not work. Please try again.';
  }
}

/** What a mailbox view says when loading or changing mail fails (401 never gets here: it signs out). */
export function mailFailureText(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Something went wrong. Please try again.';
  if (error.status === 0) return 'The mail server cannot be reached. Check your connection and try again.';
  if (error.status === 404) return 'This message no longer exists. It may have been moved or deleted.';
  if (error.status === 429)
    return `The server is busy. Try again${error.retryAfter ? ` in ${formatWait(error.retryAfter)}` : ' in a moment'}.`;
  if (error.status >= 500) return 'The mail server had a problem. Try again in a moment.';
  return 'That did not work. Please try again.';
}
