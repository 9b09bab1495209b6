import { type Dom, manages, type Who } from '../model.js';
import type { World } from '../world.js';
import {
  type Case,
  domainOf,
  LIST,
  look,
  type Prepared,
  type Rules,
  same,
  status,
  statusOf,
} from './common.js';

const NOT_FOUND = 'QUEUE_ENTRY_NOT_FOUND';
const DOMS: Dom[] = ['a', 'b'];

/**
 * A queue entry of a message from `w.user[d]` (bob@a.test, carol@b.test) to
 * a remote recipient: sent as the bootstrap key, found by its unique
 * recipient. The matrix's server relays to a closed port, so entries wait
 * (deferred) rather than leave the queue while the matrix runs.
 */
async function queueEntry(w: World, d: Dom): Promise<string> {
  const recipient = `q${w.n()}@remote-${d}.example`;
  const sent = await w.root({
    method: 'POST',
    path: `/api/v1/users/${w.user[d]}/send`,
    body: { to: [recipient], subject: `queued ${recipient}`, text: 'x' },
  });
  if (sent.status !== 201)
    throw new Error(`seeding a queue entry: ${sent.status} ${JSON.stringify(sent.json)}`);
  const page = await look<{ items: { id: string }[] }>(w, `/api/v1/queue?recipient=${recipient}`);
  const id = page.items[0]?.id;
  if (!id) throw new Error(`no queue entry for ${recipient}`);
  return id;
}

/** One entry per domain for the requests that leave it in place (GET, retry), made once per world. */
const seeded = new WeakMap<World, Promise<Record<Dom, string>>>();
const seededEntry = async (w: World, d: Dom) => {
  let entries = seeded.get(w);
  if (!entries) {
    entries = (async () => ({ a: await queueEntry(w, 'a'), b: await queueEntry(w, 'b') }))();
    seeded.set(w, entries);
  }
  return (await entries)[d];
};

/** The seeded users' domains, from a sender or recipient address; null for the remote ones. */
const domOf = (address: string | null): Dom | null =>
  address?.endsWith('@a.test') ? 'a' : address?.endsWith('@b.test') ? 'b' : null;

/** Throws unless every item is one `who` may see: its sender (or a recipient) in a domain it manages. */
function onlyVisible(who: Who, what: string, items: { sender: string; recipients?: string[] }[]): void {
  for (const item of items) {
    const doms = [item.sender, ...(item.recipients ?? [])].map(domOf).filter((d): d is Dom => d !== null);
    if (!doms.some((d) => manages(who, d))) throw new Error(`${what} shows one of ${item.sender}`);
  }
}

const entryCases = (method: Prepared['method'], suffix: string): Case[] =>
  DOMS.map((d) => ({
    label: d,
    needs: [domainOf(d, NOT_FOUND)],
    request: async (w: World) => ({ method, path: `/api/v1/queue/${await seededEntry(w, d)}${suffix}` }),
  }));

export const queueRules: Rules = {
  listQueue: {
    scope: 'queue:read',
    ok: status(200),
    cases: [
      {
        label: 'all',
        needs: [LIST],
        request: async (w, who) => {
          // At least one entry of each domain exists to be shown or hidden.
          await seededEntry(w, 'a');
          await seededEntry(w, 'b');
          return {
            method: 'GET',
            path: '/api/v1/queue?limit=200',
            done: (res) => {
              const items = (res.json as { items: { sender: string; recipients: { address: string }[] }[] })
                .items;
              onlyVisible(
                who,
                'listQueue',
                items.map((e) => ({ sender: e.sender, recipients: e.recipients.map((r) => r.address) })),
              );
              if (!items.some((e) => domOf(e.sender) === 'a'))
                throw new Error('listQueue hides a.test’s entries');
            },
          };
        },
      },
    ],
  },
  getQueueEntry: { scope: 'queue:read', ok: status(200), cases: entryCases('GET', '') },
  retryQueueEntry: { scope: 'queue:write', ok: status(200), cases: entryCases('POST', '/retry') },
  deleteQueueEntry: {
    scope: 'queue:write',
    ok: status(204),
    cases: DOMS.map((d) => ({
      label: d,
      needs: [domainOf(d, NOT_FOUND)],
      request: async (w: World) => {
        const id = await queueEntry(w, d);
        const is = async (code: number) =>
          same(await statusOf(w, `/api/v1/queue/${id}`), code, `queue entry ${id} status`);
        return {
          method: 'DELETE',
          path: `/api/v1/queue/${id}`,
          unchanged: () => is(200),
          done: () => is(404),
        };
      },
    })),
  },
  traceMessages: {
    scope: 'queue:read',
    ok: status(200),
    cases: DOMS.map((d) => ({
      label: `sent from ${d}`,
      needs: [LIST],
      request: (w: World, who) => ({
        method: 'GET',
        path: `/api/v1/messages/trace?from=${w.user[d]}&limit=200`,
        done: (res) => {
          const items = (res.json as { items: { sender: string; recipient: string | null }[] }).items;
          onlyVisible(
            who,
            'traceMessages',
            items.map((e) => ({ sender: e.sender, recipients: e.recipient ? [e.recipient] : [] })),
          );
        },
      }),
    })),
  },
};
