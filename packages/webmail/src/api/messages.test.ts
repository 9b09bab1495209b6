import { describe, expect, it } from 'vitest';
import { ApiError } from './client.js';
import { formatWait, loginCodeNotice, loginFailureText, mailFailureText } from './messages.js';

describe('login page messages', () => {
  it('explains every ?error= code of the sign-in contract in words, never as the code', () => {
    const codes = ['link_invalid', 'sso_failed', 'directory_unavailable', 'session_expired', 'signed_out'];
    const texts = codes.map((c) => loginCodeNotice(c));
    for (const [i, n] of texts.entries()) {
      expect(n?.text.length).toBeGreaterThan(15);
      expect(n?.text).not.toContain(codes[i]);
    }
    expect(new Set(texts.map((n) => n?.text)).size).toBe(codes.length);
    expect(loginCodeNotice('link_invalid')?.text).toMatch(/link/i);
    expect(loginCodeNotice('directory_unavailable')?.text).toMatch(/directory/i);
    expect(loginCodeNotice('signed_out')).toMatchObject({ kind: 'info' });
    expect(loginCodeNotice('session_expired')).toMatchObject({ kind: 'info' });
    expect(loginCodeNotice('sso_failed')).toMatchObject({ kind: 'error' });
    expect(loginCodeNotice('<script>')).toEqual({
      kind: 'error',
      text: 'Signing in did not work. Please try again.',
    });
    expect(loginCodeNotice('toString')?.text).toBe('Signing in did not work. Please try again.');
    expect(loginCodeNotice(null)).toBeNull();
  });

  it('answers failed sign-ins by status, with the wait for 429', () => {
    expect(loginFailureText(new ApiError(401, 'UNAUTHENTICATED', ''))).toMatch(/address and password/);
    expect(loginFailureText(new ApiError(429, 'RATE_LIMITED', '', 42))).toBe(
      'Too many sign-in attempts. Try again in 42 seconds.',
    );
    expect(loginFailureText(new ApiError(429, 'RATE_LIMITED', '', 120))).toMatch(/in 2 minutes/);
    expect(loginFailureText(new ApiError(429, 'RATE_LIMITED', '', null))).toMatch(/Wait a moment/);
    expect(loginFailureText(new ApiError(503, 'DIRECTORY_UNAVAILABLE', ''))).toMatch(
      /directory cannot be reached/,
    );
    expect(loginFailureText(new ApiError(503, 'UNAVAILABLE', ''))).toMatch(/not available/);
    expect(loginFailureText(new ApiError(0, 'NETWORK', ''))).toMatch(/cannot be reached/);
    expect(loginFailureText(new ApiError(422, 'VALIDATION_FAILED', ''))).toMatch(/full e-mail address/);
    expect(loginFailureText(new ApiError(403, 'FORBIDDEN', ''))).toMatch(/single sign-on/);
    expect(loginFailureText(new ApiError(403, 'USER_DISABLED', ''))).toMatch(/disabled/);
    expect(formatWait(1)).toBe('1 second');
    expect(formatWait(61)).toBe('2 minutes');
  });

  it('explains mail failures', () => {
    expect(mailFailureText(new ApiError(404, 'MESSAGE_NOT_FOUND', ''))).toMatch(/no longer exists/);
    expect(mailFailureText(new ApiError(500, 'INTERNAL', ''))).toMatch(/had a problem/);
    expect(mailFailureText(new Error('x'))).toMatch(/went wrong/);
  });
});
