import type { World } from '../world.js';
import { type Case, type Prepared, type Rules, same, status, statusOf, userCases } from './common.js';

/** The address a user case names: its seeded user, or the caller's own. */
const ownerOf = (w: World, label: string, self: string | undefined) =>
  label === 'self' ? (self as string) : w.user[label as 'a' | 'b'];

/** The user cases of a route, each request made fresh for its owner (uploads and drafts are consumed). */
function freshCases(make: (w: World, address: string) => Promise<Prepared>): Case[] {
  return userCases(() => '').map((c) => ({
    ...c,
    request: (w, who) => make(w, ownerOf(w, c.label, who.self)),
  }));
}

/** An upload of `address`'s made as the bootstrap key; its id. */
async function freshUpload(w: World, address: string): Promise<string> {
  const res = await w.root({
    method: 'POST',
    path: `/api/v1/users/${address}/uploads?name=m.txt`,
    body: 'x',
  });
  if (res.status !== 201) throw new Error(`upload for ${address}: ${res.status}`);
  return (res.json as { id: string }).id;
}

/** A draft of `address`'s made as the bootstrap key; its id. */
async function freshDraft(w: World, address: string): Promise<string> {
  const res = await w.root({
    method: 'POST',
    path: `/api/v1/users/${address}/drafts`,
    body: { subject: 'd' },
  });
  if (res.status !== 201) throw new Error(`draft for ${address}: ${res.status}`);
  return (res.json as { id: string }).id;
}

/** Uploads and drafts: the user's own, or a user the caller manages, as sending is. */
export const composeRules: Rules = {
  createUpload: {
    scope: 'mail:write',
    ok: status(201),
    cases: freshCases(async (_w, address) => ({
      method: 'POST',
      path: `/api/v1/users/${address}/uploads?name=${encodeURIComponent('报告.txt')}`,
      body: 'matrix',
      done: (res) => same((res.json as { name: string }).name, '报告.txt', 'upload name'),
    })),
  },
  deleteUpload: {
    scope: 'mail:write',
    ok: status(204),
    cases: freshCases(async (w, address) => {
      const id = await freshUpload(w, address);
      const path = `/api/v1/users/${address}/uploads/${id}`;
      // Deleting again as the bootstrap key tells whether it was still there.
      const gone = async (want: boolean) =>
        same((await w.root({ method: 'DELETE', path })).status === 404, want, `upload ${id} gone`);
      return { method: 'DELETE', path, unchanged: () => gone(false), done: () => gone(true) };
    }),
  },
  createDraft: {
    scope: 'mail:write',
    ok: status(201),
    cases: freshCases(async (w, address) => ({
      method: 'POST',
      path: `/api/v1/users/${address}/drafts`,
      body: { subject: 'matrix draft' },
      done: async (res) => {
        const id = (res.json as { id: string }).id;
        same(await statusOf(w, `/api/v1/users/${address}/messages/${id}`), 200, `draft ${id}`);
      },
    })),
  },
  replaceDraft: {
    scope: 'mail:write',
    ok: status(200),
    cases: freshCases(async (w, address) => {
      const id = await freshDraft(w, address);
      const old = async (want: number) =>
        same(await statusOf(w, `/api/v1/users/${address}/messages/${id}`), want, `old draft ${id}`);
      return {
        method: 'PUT',
        path: `/api/v1/users/${address}/drafts/${id}`,
        body: { subject: 'matrix draft 2' },
        unchanged: () => old(200),
        done: () => old(404),
      };
    }),
  },
};
