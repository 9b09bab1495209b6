export { baseSubject, subjectKey } from './base-subject.js';
export { createSortCommand } from './sort-command.js';
export { createThreadCommand, THREAD_ALGORITHMS } from './thread-command.js';
