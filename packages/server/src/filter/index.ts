// The filter: verdicts, and the stages that return them (see verdict.ts).
export * from './verdict.js';
// Antivirus: clamd over its socket (INSTREAM).
export * from './virus/index.js';
