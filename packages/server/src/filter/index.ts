export * from './spam/index.js';
