export { planSearch, runSearch, type SearchHit, type SearchPlan } from './run-search.js';
export { createSearchCommand } from './search-command.js';
export { foldText } from './text-fold.js';
