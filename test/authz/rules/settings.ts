import type { World } from '../world.js';
import { type Case, look, type Prepared, type Rules, same, status, userCases } from './common.js';

const signatureOf = async (w: World, address: string) =>
  (await look<{ signature: { text: string } }>(w, `/api/v1/users/${address}/settings`)).signature.text;

/** A settings change with a text no other case uses: refused, the stored one differs; allowed, the answer has it. */
const patchCases: Case[] = userCases((a) => `/api/v1/users/${a}/settings`, 'PATCH', { alias: true }).map(
  (c) => ({
    ...c,
    request: async (w, who) => {
      const prepared = (await c.request(w, who)) as Prepared;
      const address = decodeURIComponent(prepared.path.split('/')[4] as string);
      const text = `sig ${w.n()}`;
      return {
        ...prepared,
        body: { signature: { text } },
        unchanged: async () => {
          if ((await signatureOf(w, address)) === text) throw new Error(`${address}'s signature changed`);
        },
        done: (res) => same((res.json as { signature: { text: string } }).signature.text, text, 'signature'),
      };
    },
  }),
);

/** Self-only routes: the user-keyed cases, then only the user themselves. */
const ownerCases = (path: (a: string) => string, body: unknown): Case[] =>
  userCases(path, 'POST', { body }).map((c) => ({
    ...c,
    needs: [...c.needs, { on: 'owner', self: !!c.self }],
  }));

export const settingsRules: Rules = {
  getUserSettings: {
    scope: 'users:read',
    ok: status(200),
    cases: userCases((a) => `/api/v1/users/${a}/settings`, 'GET', { alias: true }),
  },
  updateUserSettings: { scope: 'mail:write', ok: status(200), cases: patchCases },
  // A wrong current password: the principals keep theirs (each self case counts one failed sign-in).
  changeOwnPassword: {
    scope: 'mail:write',
    ok: status(422, 'CURRENT_PASSWORD_WRONG'),
    cases: ownerCases((a) => `/api/v1/users/${a}/password`, {
      currentPassword: 'not-the-password',
      newPassword: 'a-new-password-1',
    }),
  },
  // An id that names no session: nothing ends, whoever may.
  endOwnSessions: {
    scope: 'mail:write',
    ok: status(404, 'SESSION_NOT_FOUND'),
    cases: ownerCases((a) => `/api/v1/users/${a}/sessions/end`, { ids: ['no-such-session'] }),
  },
};
