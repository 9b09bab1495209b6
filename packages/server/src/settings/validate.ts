import { canonicalAddress } from '../directory/index.js';
import { AppError } from '../shared/index.js';
import { sanitizeSignatureHtml } from './sanitize.js';
import {
  type Forwarding,
  SETTINGS_LIMITS as LIMITS,
  type SettingsPatch,
  type Signature,
  type UserSettings,
  type Vacation,
} from './types.js';

const invalid = (field: string, message: string) =>
  new AppError('VALIDATION_FAILED', `${field}: ${message}`, { field });

/** The signature after a change: the HTML sanitized (what was removed is gone, not refused). */
function nextSignature(now: Signature, patch: Partial<Signature> | undefined): Signature {
  if (!patch) return now;
  const text = patch.text ?? now.text;
  const html = patch.html === undefined ? now.html : sanitizeSignatureHtml(patch.html);
  if (text.length > LIMITS.signatureText)
    throw invalid('signature.text', `at most ${LIMITS.signatureText} characters`);
  if (html.length > LIMITS.signatureHtml)
    throw invalid('signature.html', `at most ${LIMITS.signatureHtml} characters`);
  return { text, html };
}

function nextVacation(now: Vacation, patch: Partial<Vacation> | undefined): Vacation {
  if (!patch) return now;
  const v: Vacation = { ...now, ...patch };
  if (!Number.isInteger(v.days) || v.days < 1 || v.days > LIMITS.maxDays)
    throw invalid('vacation.days', `a whole number of days from 1 to ${LIMITS.maxDays}`);
  if (v.subject.length > LIMITS.vacationSubject)
    throw invalid('vacation.subject', `at most ${LIMITS.vacationSubject} characters`);
  if (v.text.length > LIMITS.vacationText)
    throw invalid('vacation.text', `at most ${LIMITS.vacationText} characters`);
  if (v.startsAt !== null && v.endsAt !== null && v.endsAt <= v.startsAt)
    throw invalid('vacation.endsAt', 'must be after startsAt');
  if (v.enabled && v.text.trim() === '') throw invalid('vacation.text', 'an auto-reply needs a text');
  return v;
}

/** Forwarding after a change: targets canonical, unique, valid, never the user's own addresses. */
function nextForwarding(now: Forwarding, patch: Partial<Forwarding> | undefined, own: ReadonlySet<string>) {
  if (!patch) return now;
  const f: Forwarding = { ...now, ...patch };
  if (patch.to) {
    const to: string[] = [];
    for (const [i, raw] of patch.to.entries()) {
      const a = canonicalAddress(raw);
      if (!a) throw invalid(`forwarding.to[${i}]`, `"${raw}" is not a valid address`);
      if (own.has(a.address)) throw invalid(`forwarding.to[${i}]`, 'cannot forward to your own address');
      if (!to.includes(a.address)) to.push(a.address);
    }
    if (to.length > LIMITS.forwardTargets)
      throw invalid('forwarding.to', `at most ${LIMITS.forwardTargets} addresses`);
    f.to = to;
  }
  if (f.enabled && f.to.length === 0) throw invalid('forwarding.to', 'forwarding needs an address');
  return f;
}

/**
 * The settings after `patch`, validated: only the given fields change.
 * `own` is the user's addresses (canonical and aliases), never a forwarding target.
 */
export function applySettingsPatch(
  now: UserSettings,
  patch: SettingsPatch,
  own: ReadonlySet<string>,
): UserSettings {
  return {
    language: patch.language === undefined ? now.language : patch.language,
    signature: nextSignature(now.signature, patch.signature),
    vacation: nextVacation(now.vacation, patch.vacation),
    forwarding: nextForwarding(now.forwarding, patch.forwarding, own),
    updatedAt: now.updatedAt,
  };
}
