import { appendCommand } from './append.js';
import { authenticateCommand } from './authenticate.js';
import { capabilityCommand } from './capability.js';
import { closeCommand } from './close.js';
import { compressCommand } from './compress.js';
import { copyMoveCommand } from './copy-move.js';
import { enableCommand } from './enable.js';
import { expungeCommand } from './expunge.js';
import { createFetchCommand, MessageCache } from './fetch/index.js';
import { idCommand } from './id.js';
import { idleCommand } from './idle.js';
import { listCommand } from './list.js';
import { loginCommand } from './login.js';
import { logoutCommand } from './logout.js';
import { createCommand, deleteCommand, renameCommand, subscribeCommand } from './mailbox-admin.js';
import { namespaceCommand } from './namespace.js';
import { noopCommand } from './noop.js';
import { getQuotaCommand, getQuotaRootCommand, setQuotaCommand } from './quota.js';
import { ANY, AUTHENTICATED, CommandRegistry, SELECTED } from './registry.js';
import { createSearchCommand } from './search/index.js';
import { selectCommand } from './select.js';
import type { ImapSession } from './session.js';
import { createSortCommand, createThreadCommand, THREAD_ALGORITHMS } from './sort/index.js';
import { starttlsCommand } from './starttls.js';
import { statusCommand } from './status.js';
import { storeCommand } from './store-flags.js';

const NOT_AUTHENTICATED = ['not-authenticated'] as const;

/** Memory for parsed messages (structure and top header) shared by a listener's sessions. */
const MESSAGE_CACHE_BYTES = 32 * 1024 * 1024;

/**
 * The command table of every session: the session's own commands, then the
 * handlers plugged in through `registerCommand` (see HANDLERS.md). FETCH,
 * SEARCH, SORT and THREAD answer NO until their handlers are registered.
 */
export function createCommandRegistry(): CommandRegistry<ImapSession> {
  const r = new CommandRegistry<ImapSession>();
  // Any state (RFC 9051 §6.1)
  r.registerSessionCommand('CAPABILITY', { states: ANY, expunges: 'always', run: capabilityCommand });
  r.registerSessionCommand('NOOP', { states: ANY, expunges: 'always', run: noopCommand });
  r.registerSessionCommand('LOGOUT', { states: ANY, expunges: 'never', run: logoutCommand });
  r.registerSessionCommand('ID', { states: ANY, expunges: 'always', run: idCommand });
  // Not authenticated (§6.2)
  r.registerSessionCommand('STARTTLS', {
    states: NOT_AUTHENTICATED,
    expunges: 'never',
    run: starttlsCommand,
  });
  r.registerSessionCommand('LOGIN', { states: NOT_AUTHENTICATED, expunges: 'never', run: loginCommand });
  r.registerSessionCommand('AUTHENTICATE', {
    states: NOT_AUTHENTICATED,
    expunges: 'never',
    run: authenticateCommand,
  });
  // Authenticated (§6.3)
  r.registerSessionCommand('ENABLE', { states: AUTHENTICATED, expunges: 'always', run: enableCommand });
  r.registerSessionCommand('SELECT', { states: AUTHENTICATED, expunges: 'never', run: selectCommand });
  r.registerSessionCommand('EXAMINE', { states: AUTHENTICATED, expunges: 'never', run: selectCommand });
  r.registerSessionCommand('CREATE', { states: AUTHENTICATED, expunges: 'always', run: createCommand });
  r.registerSessionCommand('DELETE', { states: AUTHENTICATED, expunges: 'always', run: deleteCommand });
  r.registerSessionCommand('RENAME', { states: AUTHENTICATED, expunges: 'always', run: renameCommand });
  r.registerSessionCommand('SUBSCRIBE', { states: AUTHENTICATED, expunges: 'always', run: subscribeCommand });
  r.registerSessionCommand('UNSUBSCRIBE', {
    states: AUTHENTICATED,
    expunges: 'always',
    run: subscribeCommand,
  });
  r.registerSessionCommand('LIST', { states: AUTHENTICATED, expunges: 'always', run: listCommand });
  r.registerSessionCommand('LSUB', { states: AUTHENTICATED, expunges: 'always', run: listCommand });
  r.registerSessionCommand('NAMESPACE', { states: AUTHENTICATED, expunges: 'always', run: namespaceCommand });
  r.registerSessionCommand('STATUS', { states: AUTHENTICATED, expunges: 'always', run: statusCommand });
  r.registerSessionCommand('IDLE', { states: AUTHENTICATED, expunges: 'always', run: idleCommand });
  r.registerSessionCommand('COMPRESS', { states: AUTHENTICATED, expunges: 'never', run: compressCommand });
  // Selected (§6.4)
  r.registerSessionCommand('CHECK', { states: SELECTED, expunges: 'always', run: noopCommand });
  r.registerSessionCommand('CLOSE', { states: SELECTED, expunges: 'never', run: closeCommand });
  r.registerSessionCommand('UNSELECT', { states: SELECTED, expunges: 'never', run: closeCommand });
  r.registerSessionCommand('STORE', { states: SELECTED, expunges: 'uid-only', run: storeCommand });
  r.registerSessionCommand('COPY', { states: SELECTED, expunges: 'uid-only', run: copyMoveCommand });
  r.registerSessionCommand('MOVE', { states: SELECTED, expunges: 'always', run: copyMoveCommand });
  r.registerSessionCommand('EXPUNGE', { states: SELECTED, expunges: 'always', run: expungeCommand });
  r.registerSessionCommand('UID EXPUNGE', { states: SELECTED, expunges: 'always', run: expungeCommand });
  r.registerSessionCommand('APPEND', { states: AUTHENTICATED, expunges: 'always', run: appendCommand });
  r.registerSessionCommand('GETQUOTAROOT', {
    states: AUTHENTICATED,
    expunges: 'always',
    run: getQuotaRootCommand,
  });
  r.registerSessionCommand('GETQUOTA', { states: AUTHENTICATED, expunges: 'always', run: getQuotaCommand });
  r.registerSessionCommand('SETQUOTA', { states: AUTHENTICATED, expunges: 'always', run: setQuotaCommand });
  // FETCH, SEARCH, SORT and THREAD (fetch/, search/, sort/): one parsed-message cache per listener.
  const messages = new MessageCache(MESSAGE_CACHE_BYTES);
  r.registerCommand('FETCH', createFetchCommand(messages), { capabilities: ['BINARY'] });
  r.registerCommand('SEARCH', createSearchCommand(messages), { capabilities: ['ESEARCH', 'SEARCHRES'] });
  r.registerCommand('SORT', createSortCommand(messages), { capabilities: ['SORT', 'SORT=DISPLAY'] });
  r.registerCommand('THREAD', createThreadCommand(messages), {
    capabilities: THREAD_ALGORITHMS.map((a) => `THREAD=${a}`),
  });
  return r;
}
