import { DOMAIN, type Dom, manages, unrestricted, type Who } from '../model.js';
import { type Rules, status } from './common.js';

interface Item {
  type: string;
  subject?: string;
}

/** The tenant of an address, or null for one outside both. */
const domOf = (address: string): Dom | null =>
  (Object.keys(DOMAIN) as Dom[]).find((d) => address.endsWith(`@${DOMAIN[d]}`)) ?? null;

/**
 * Throws unless `who` may see every item: an unrestricted caller all; a
 * plain user only events about themselves; others only their domains'
 * (an event's subject is an address of its domain) and no install-wide one.
 */
function onlyVisible(who: Who, items: Item[]): void {
  if (unrestricted(who)) return;
  for (const e of items) {
    const label = `${e.type} about ${e.subject ?? 'nobody'}`;
    if (who.kind === 'user' && who.role === 'user') {
      if (e.subject !== who.self) throw new Error(`listEvents shows ${who.self} ${label}`);
      continue;
    }
    if (e.type === 'sync.completed') throw new Error(`listEvents shows a restricted caller ${label}`);
    const d = e.subject ? domOf(e.subject) : null;
    if (e.subject && (d === null || !manages(who, d))) throw new Error(`listEvents shows ${label}`);
  }
}

export const eventRules: Rules = {
  listEvents: {
    scope: 'events:read',
    ok: status(200),
    cases: [
      {
        label: 'all',
        needs: [],
        request: (_w, who) => ({
          method: 'GET',
          path: '/api/v1/events?limit=1000',
          done: (res) => {
            const items = (res.json as { items: Item[] }).items;
            onlyVisible(who, items);
            // The world's users were created through the API: a caller who may see a.test sees some of it.
            const seesA = who.kind === 'user' && who.role === 'user' ? false : manages(who, 'a');
            if (seesA && !items.some((e) => e.subject && domOf(e.subject) === 'a'))
              throw new Error('listEvents hides a.test’s events');
          },
        }),
      },
    ],
  },
};
