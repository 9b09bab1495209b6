import { threadResponse } from '../../protocol/index.js';
import { type MessageCache, MessageSource } from '../fetch/index.js';
import type { CommandOf } from '../registry.js';
import { planSearch, runSearch, type SearchHit } from '../search/index.js';
import { bad, type CommandHandler, ok } from '../types.js';
import { sentDate } from './sort-keys.js';
import { threadBySubject } from './thread-ordered-subject.js';
import { type ThreadMessage, threadByReferences } from './thread-references.js';

/** The algorithms offered (RFC 5256 §3), as THREAD= capabilities. */
export const THREAD_ALGORITHMS = ['REFERENCES', 'ORDEREDSUBJECT'] as const;

const MSG_ID = /<[^<>\s]*>/g;

/** The msg-ids of a header value, in order. */
function msgIds(value: string | undefined): string[] {
  return value?.match(MSG_ID) ?? [];
}

/** What threading needs of a matched message: its References and Message-ID from the header section. */
async function threadMessage(source: MessageSource, hit: SearchHit, byUid: boolean): Promise<ThreadMessage> {
  const record = hit.record;
  if (!record) throw new Error('THREAD needs records');
  const { fields } = (await source.header(record)).root;
  const references = msgIds(fields.references);
  return {
    id: byUid ? hit.uid : hit.seq,
    seq: hit.seq,
    date: sentDate(record),
    subject: record.index.subject,
    messageId: msgIds(fields['message-id'])[0] ?? null,
    references: references.length > 0 ? references : msgIds(fields['in-reply-to']).slice(0, 1),
  };
}

/** THREAD and UID THREAD (RFC 5256): REFERENCES and ORDEREDSUBJECT over the messages the search keys select. */
export function createThreadCommand(cache: MessageCache): CommandHandler<CommandOf<'THREAD'>> {
  return async (ctx, { command }) => {
    const view = ctx.selected;
    if (!view) throw new Error('THREAD without a selected mailbox');
    const algorithm = command.algorithm.toUpperCase();
    if (!(THREAD_ALGORITHMS as readonly string[]).includes(algorithm))
      return bad(`Unknown threading algorithm ${algorithm.slice(0, 40)} (REFERENCES or ORDEREDSUBJECT)`);
    const plan = planSearch(command.program.keys, view);
    if (plan.usesModseq) ctx.enableCondstore();
    const source = new MessageSource(ctx.store.blobs, cache);
    const hits: SearchHit[] = [];
    await runSearch(ctx, source, plan, (hit) => hits.push(hit), { records: true });
    const messages: ThreadMessage[] = [];
    if (algorithm === 'REFERENCES')
      for (const hit of hits) messages.push(await threadMessage(source, hit, command.uid));
    else
      for (const hit of hits) {
        const record = hit.record;
        if (!record) continue;
        const id = command.uid ? hit.uid : hit.seq;
        messages.push({
          id,
          seq: hit.seq,
          date: sentDate(record),
          subject: record.index.subject,
          messageId: null,
          references: [],
        });
      }
    const tree = algorithm === 'REFERENCES' ? threadByReferences(messages) : threadBySubject(messages);
    ctx.send(threadResponse(tree));
    return ok(`${command.uid ? 'UID THREAD' : 'THREAD'} completed`);
  };
}
