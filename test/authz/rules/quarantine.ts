import nodemailer from 'nodemailer';
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

const NOT_FOUND = 'QUARANTINE_ENTRY_NOT_FOUND';
const DOMS: Dom[] = ['a', 'b'];

/**
 * A quarantined message for a fresh user of domain `d`: the user's own rule
 * holds everything (a personal rule set nobody else's case replaces), and a
 * message comes in over the MX. Found by its recipient as the bootstrap key.
 */
async function heldEntry(w: World, d: Dom): Promise<string> {
  const user = await w.fresh.user(d);
  const rules = [{ name: 'hold all', when: { size: { over: 0 } }, actions: [{ action: 'quarantine' }] }];
  const put = await w.root({ method: 'PUT', path: `/api/v1/users/${user}/rules`, body: { rules } });
  if (put.status !== 200)
    throw new Error(`seeding a quarantine rule: ${put.status} ${JSON.stringify(put.json)}`);
  const t = nodemailer.createTransport({
    host: '127.0.0.1',
    port: w.smtpPort,
    secure: false,
    ignoreTLS: true,
  });
  try {
    await t.sendMail({
      envelope: { from: 'x@outside.example', to: [user] },
      raw: `From: x@outside.example\r\nTo: ${user}\r\nSubject: held ${user}\r\n\r\nx\r\n`,
    });
  } finally {
    t.close();
  }
  const domain = user.slice(user.indexOf('@') + 1);
  const page = await look<{ items: { id: string; recipients: string[] }[] }>(
    w,
    `/api/v1/quarantine?domain=${domain}&limit=200`,
  );
  const id = page.items.find((e) => e.recipients.includes(user))?.id;
  if (!id) throw new Error(`no quarantined message for ${user}`);
  return id;
}

/** One held message per domain for the requests that leave it in place (GET), made once per world. */
const seeded = new WeakMap<World, Promise<Record<Dom, string>>>();
const seededEntry = async (w: World, d: Dom) => {
  let entries = seeded.get(w);
  if (!entries) {
    entries = (async () => ({ a: await heldEntry(w, 'a'), b: await heldEntry(w, 'b') }))();
    seeded.set(w, entries);
  }
  return (await entries)[d];
};

const domOf = (domain: string): Dom | null => (domain === 'a.test' ? 'a' : domain === 'b.test' ? 'b' : null);

/** Throws unless every item is for a domain `who` manages. */
function onlyVisible(who: Who, items: { domain: string }[]): void {
  for (const item of items) {
    const d = domOf(item.domain);
    if (d === null || !manages(who, d)) throw new Error(`listQuarantine shows one for ${item.domain}`);
  }
}

/** A request that takes its held message out of the quarantine (release, train, delete): a fresh one each. */
const consumingCases = (method: Prepared['method'], suffix: string, body?: unknown): Case[] =>
  DOMS.map((d) => ({
    label: d,
    needs: [domainOf(d, NOT_FOUND)],
    request: async (w: World) => {
      const id = await heldEntry(w, d);
      const is = async (code: number) =>
        same(await statusOf(w, `/api/v1/quarantine/${id}`), code, `quarantined ${id} status`);
      return {
        method,
        path: `/api/v1/quarantine/${id}${suffix}`,
        ...(body === undefined ? {} : { body }),
        unchanged: () => is(200),
        done: () => is(404),
      };
    },
  }));

export const quarantineRules: Rules = {
  listQuarantine: {
    scope: 'queue:read',
    ok: status(200),
    cases: [
      {
        label: 'all',
        needs: [LIST],
        request: async (w, who) => {
          await seededEntry(w, 'a');
          await seededEntry(w, 'b');
          return {
            method: 'GET',
            path: '/api/v1/quarantine?limit=200',
            done: (res) => {
              const items = (res.json as { items: { domain: string }[] }).items;
              onlyVisible(who, items);
              if (manages(who, 'a') && !items.some((e) => e.domain === 'a.test'))
                throw new Error('listQuarantine hides a.test’s messages');
            },
          };
        },
      },
    ],
  },
  getQuarantined: {
    scope: 'queue:read',
    ok: status(200),
    cases: DOMS.map((d) => ({
      label: d,
      needs: [domainOf(d, NOT_FOUND)],
      request: async (w: World) => ({ method: 'GET', path: `/api/v1/quarantine/${await seededEntry(w, d)}` }),
    })),
  },
  releaseQuarantined: { scope: 'queue:write', ok: status(200), cases: consumingCases('POST', '/release') },
  trainQuarantined: {
    scope: 'queue:write',
    ok: status(200),
    cases: consumingCases('POST', '/train', { as: 'spam' }),
  },
  deleteQuarantined: { scope: 'queue:write', ok: status(204), cases: consumingCases('DELETE', '') },
};
