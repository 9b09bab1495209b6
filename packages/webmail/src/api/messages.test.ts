import { describe, expect, it } from 'vitest';
import { createI18n } from '../i18n/index.js';
import { ApiError } from './client.js';
import {
  formatWait,
  loginCodeNotice,
  loginFailureText,
  mailFailureText,
  type Text,
  textOf,
} from './messages.js';

const en = createI18n('en');
const zh = createI18n('zh-CN');
const say = (text: Text | null) => (text ? textOf(en.t, text) : '');

describe('login page messages', () => {
  it('explains every ?error= code of the sign-in contract in words, never as the code', () => {
    const codes = ['link_invalid', 'sso_failed', 'directory_unavailable', 'session_expired', 'signed_out'];
    const texts = codes.map((c) => say(loginCodeNotice(c)));
    for (const [i, text] of texts.entries()) {
      expect(text.length).toBeGreaterThan(15);
      expect(text).not.toContain(codes[i]);
    }
    expect(new Set(texts).size).toBe(codes.length);
    expect(say(loginCodeNotice('link_invalid'))).toMatch(/link/i);
    expect(say(loginCodeNotice('directory_unavailable'))).toMatch(/directory/i);
    expect(loginCodeNotice('signed_out')).toMatchObject({ kind: 'info' });
    expect(loginCodeNotice('session_expired')).toMatchObject({ kind: 'info' });
    expect(loginCodeNotice('sso_failed')).toMatchObject({ kind: 'error' });
    expect(loginCodeNotice('<script>')).toMatchObject({ kind: 'error' });
    expect(say(loginCodeNotice('<script>'))).toBe('Signing in did not work. Please try again.');
    expect(say(loginCodeNotice('toString'))).toBe('Signing in did not work. Please try again.');
    expect(loginCodeNotice(null)).toBeNull();
  });

  it('answers failed sign-ins by status, with the wait for 429, in both languages', () => {
    expect(say(loginFailureText(new ApiError(401, 'UNAUTHENTICATED', '')))).toMatch(/address and password/);
    expect(say(loginFailureText(new ApiError(429, 'RATE_LIMITED', '', 42)))).toBe(
      'Too many sign-in attempts. Try again in 42 seconds.',
    );
    expect(textOf(zh.t, loginFailureText(new ApiError(429, 'RATE_LIMITED', '', 42)))).toContain('42 秒');
    expect(say(loginFailureText(new ApiError(429, 'RATE_LIMITED', '', 120)))).toMatch(/in 2 minutes/);
    expect(say(loginFailureText(new ApiError(429, 'RATE_LIMITED', '', null)))).toMatch(/Wait a moment/);
    expect(say(loginFailureText(new ApiError(503, 'DIRECTORY_UNAVAILABLE', '')))).toMatch(
      /directory cannot be reached/,
    );
    expect(say(loginFailureText(new ApiError(503, 'UNAVAILABLE', '')))).toMatch(/not available/);
    expect(say(loginFailureText(new ApiError(0, 'NETWORK', '')))).toMatch(/cannot be reached/);
    expect(say(loginFailureText(new ApiError(422, 'VALIDATION_FAILED', '')))).toMatch(/full e-mail address/);
    expect(say(loginFailureText(new ApiError(403, 'FORBIDDEN', '')))).toMatch(/single sign-on/);
    expect(say(loginFailureText(new ApiError(403, 'USER_DISABLED', '')))).toMatch(/disabled/);
    expect(say(formatWait(1))).toBe('1 second');
    expect(say(formatWait(61))).toBe('2 minutes');
  });

  it('explains mail failures', () => {
    expect(say(mailFailureText(new ApiError(404, 'MESSAGE_NOT_FOUND', '')))).toMatch(/no longer exists/);
    expect(say(mailFailureText(new ApiError(500, 'INTERNAL', '')))).toMatch(/had a problem/);
    expect(say(mailFailureText(new ApiError(429, 'RATE_LIMITED', '', 30)))).toMatch(/in 30 seconds/);
    expect(say(mailFailureText(new Error('x')))).toMatch(/went wrong/);
  });
});
