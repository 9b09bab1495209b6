/** The languages the webmail speaks; null in {@link UserSettings.language}: the browser's. */
export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The signature the webmail puts under new messages: plain text and a formatted (HTML) version. */
export interface Signature {
  text: string;
  /** Sanitized when saved (settings/sanitize.ts). */
  html: string;
}

/**
 * An auto-reply (RFC 3834, with RFC 5230 `vacation` semantics): sent while
 * `enabled` and between `startsAt` and `endsAt` (when given), at most once
 * per sender per `days`.
 */
export interface Vacation {
  enabled: boolean;
  /** Empty: "Auto: <the original subject>" (RFC 3834 §3.1.5). */
  subject: string;
  text: string;
  /** Epoch ms; null: from now. */
  startsAt: number | null;
  /** Epoch ms; null: until turned off. */
  endsAt: number | null;
  days: number;
}

/** Forwarding of every message a user receives to other addresses. */
export interface Forwarding {
  enabled: boolean;
  to: string[];
  /** False: the INBOX copy is removed once every forward is delivered or queued. */
  keepCopy: boolean;
}

export interface UserSettings {
  language: Language | null;
  signature: Signature;
  vacation: Vacation;
  forwarding: Forwarding;
  updatedAt: number | null;
}

/** A change: only the given fields change (`vacation` and `forwarding` merge field by field). */
export interface SettingsPatch {
  language?: Language | null;
  signature?: Partial<Signature>;
  vacation?: Partial<Vacation>;
  forwarding?: Partial<Forwarding>;
}

export const DEFAULT_VACATION: Vacation = {
  enabled: false,
  subject: '',
  text: '',
  startsAt: null,
  endsAt: null,
  days: 7,
};

export const DEFAULT_FORWARDING: Forwarding = { enabled: false, to: [], keepCopy: true };

/** Limits of what a user may save (the API schema states the same). */
export const SETTINGS_LIMITS = {
  signatureText: 10_000,
  signatureHtml: 50_000,
  vacationSubject: 200,
  vacationText: 10_000,
  forwardTargets: 10,
  maxDays: 365,
} as const;
