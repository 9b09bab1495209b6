import type { Command } from 'commander';
import type { Engine } from '../main.js';
import type { QueueEntry, QueueFilter } from '../queue/index.js';
import { withConfigFlags } from './options.js';

type Out = (line: string) => void;
type WithEngine = <T>(cmd: Command, fn: (engine: Engine) => Promise<T>) => Promise<T>;

const ALL = { domains: 'all' } as const;
const STATES = new Set(['queued', 'sending', 'deferred']);

/** One entry on one line, tab-separated: what an operator scans for and what `grep`/`cut` take apart. */
export function queueLine(e: QueueEntry): string {
  const waiting = e.recipients.filter((r) => r.state !== 'delivered' && r.state !== 'failed');
  const why = e.lastError ? `${e.lastError.code ?? '-'} ${e.lastError.response}`.replace(/\s+/g, ' ') : '-';
  return [
    e.id,
    e.state,
    e.domain,
    `attempts ${e.attempts}`,
    `next ${e.nextAttemptAt}`,
    e.sender || '<>',
    waiting.map((r) => r.address).join(','),
    why,
  ].join('\t');
}

/**
 * `jdmail queue list|retry|delete`: the outbound queue, as the operator at
 * the machine sees it (every domain; the same service as `/api/v1/queue`).
 */
export function registerQueueCommands(program: Command, out: Out, withEngine: WithEngine): void {
  const queue = program.command('queue').description('the outbound queue: list, retry, delete');
  withConfigFlags(
    queue
      .command('list')
      .description(
        'list queued messages: id, state, destination, attempts, next attempt, sender, recipients waiting, last error',
      )
      .option('--state <state>', 'queued, sending or deferred')
      .option('--domain <domain>', 'destination domain')
      .option('--sender <address>', 'envelope sender')
      .option('--recipient <address>', 'a recipient'),
  ).action(async (o: QueueFilter, cmd: Command) => {
    if (o.state !== undefined && !STATES.has(o.state)) {
      cmd.error(`error: --state must be queued, sending or deferred, not ${o.state}`);
    }
    await withEngine(cmd, async (e) => {
      const filter = { state: o.state, domain: o.domain, sender: o.sender, recipient: o.recipient };
      let cursor: string | undefined;
      do {
        const page = await e.queue.list({ ...filter, limit: 200, cursor }, ALL);
        for (const entry of page.items) out(queueLine(entry));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    });
  });

  withConfigFlags(
    queue.command('retry <id>').description('make a queued message due now (its id, from queue list)'),
  ).action(async (id: string, _o, cmd: Command) => {
    await withEngine(cmd, async (e) => {
      const entry = await e.queue.retry(id, ALL);
      out(`retrying ${entry.id} (${entry.domain}, next ${entry.nextAttemptAt})`);
    });
  });

  withConfigFlags(
    queue
      .command('delete <id>')
      .description('stop delivering a queued message to its recipients not yet delivered')
      .option('--bounce', 'tell the sender with a bounce in their INBOX'),
  ).action(async (id: string, o: { bounce?: boolean }, cmd: Command) => {
    await withEngine(cmd, async (e) => {
      await e.queue.remove(id, ALL, { bounce: o.bounce === true });
      out(`deleted ${id}${o.bounce ? ' (sender notified)' : ''}`);
    });
  });
}
