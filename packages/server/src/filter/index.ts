export * from './spam/index.js';

// The filter: verdicts, and the stages that return them (see verdict.ts).

// Greylisting (issue 24 §6).
export * from './greylist/index.js';
// Group mail policies.
export * from './groups/index.js';
// The verdict pipeline between SMTP DATA and the store.
export * from './pipeline/index.js';
// Messages held for an administrator.
export * from './quarantine/index.js';
// Global and personal rules.
export * from './rules/index.js';
export * from './verdict.js';
// Antivirus: clamd over its socket (INSTREAM).
export * from './virus/index.js';
