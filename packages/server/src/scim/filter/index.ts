export type { FilterNode } from './ast.js';
export { matches } from './evaluate.js';
export { requiredEquality } from './hints.js';
export { MAX_FILTER_LENGTH, parseFilter } from './parse.js';
