import { beforeEach, describe, expect, it } from 'vitest';
import { basic, bearer, buildTestApi, type TestApi } from '../../../testing/build-app.js';

describe('POST /api/v1/users/{address}/messages:batch', () => {
  let t: TestApi;
  beforeEach(async () => {
    t = await buildTestApi();
    await t.directory.createUser({ address: 'alice@example.com', password: 'alice-password' });
    await t.directory.createUser({ address: 'carol@other.org', password: 'carol-password' });
  });
  const post = (auth: Record<string, string>, address: string, payload: object) =>
    t.app.inject({ method: 'POST', url: `/api/v1/users/${address}/messages:batch`, headers: auth, payload });
  const alice = basic('alice@example.com', 'alice-password');
  const get = async (id: string) =>
    (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/users/alice@example.com/messages/${id}`,
        headers: alice,
      })
    ).json();

  it('moves, marks, flags and deletes many messages in one call, one result per id in order', async () => {
    const [a, b, c] = [1, 2, 3].map(() => t.mail.add('alice@example.com'));
    const ids = [a?.id, b?.id, c?.id] as string[];
    const moved = await post(alice, 'alice@example.com', { ids, action: 'move', mailbox: 'Trash' });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().results).toEqual(ids.map((id) => ({ id, status: 'ok' })));
    for (const id of ids) expect((await get(id)).mailbox).toBe('Trash');

    expect((await post(alice, 'alice@example.com', { ids, action: 'read' })).statusCode).toBe(200);
    expect(
      (await post(alice, 'alice@example.com', { ids: ids.slice(0, 2), action: 'flag' })).statusCode,
    ).toBe(200);
    expect(
      await Promise.all(ids.map(async (id) => [(await get(id)).unread, (await get(id)).flagged])),
    ).toEqual([
      [false, true],
      [false, true],
      [false, false],
    ]);
    // INBOX in any case is the inbox.
    await post(alice, 'alice@example.com', { ids: [ids[2]], action: 'move', mailbox: 'inbox' });
    expect((await get(ids[2] as string)).mailbox).toBe('INBOX');

    const deleted = await post(alice, 'alice@example.com', { ids: [ids[0], 'm999999'], action: 'delete' });
    expect(deleted.json().results).toEqual([
      { id: ids[0], status: 'ok' },
      { id: 'm999999', status: 'not_found' },
    ]);
    expect((await get(ids[0] as string)).code).toBe('MESSAGE_NOT_FOUND');
    expect((await get(ids[1] as string)).mailbox).toBe('Trash');
  });

  it('refuses a move without a mailbox or to an unknown one before touching anything; bad bodies are 4xx', async () => {
    const m = t.mail.add('alice@example.com');
    const noBox = await post(alice, 'alice@example.com', { ids: [m.id], action: 'move' });
    expect(noBox.statusCode).toBe(422);
    const unknown = await post(alice, 'alice@example.com', { ids: [m.id], action: 'move', mailbox: 'Nope' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('MAILBOX_NOT_FOUND');
    expect((await get(m.id)).mailbox).toBe('INBOX');
    for (const body of [
      { ids: [], action: 'read' },
      { ids: [m.id], action: 'explode' },
      { ids: [m.id, m.id], action: 'read' },
    ])
      expect((await post(alice, 'alice@example.com', body)).statusCode).toBeGreaterThanOrEqual(400);
    const tooMany = Array.from({ length: 1001 }, (_, i) => `m${i}`);
    expect((await post(alice, 'alice@example.com', { ids: tooMany, action: 'read' })).statusCode).toBe(422);
  });

  it('another user’s messages stay theirs: a user cannot reach them, ids of theirs are not_found', async () => {
    const carols = t.mail.add('carol@other.org');
    const other = await post(alice, 'carol@other.org', { ids: [carols.id], action: 'delete' });
    expect(other.statusCode).toBe(404);
    const mixed = await post(alice, 'alice@example.com', { ids: [carols.id], action: 'delete' });
    expect(mixed.json().results).toEqual([{ id: carols.id, status: 'not_found' }]);
    const asAdmin = await post(bearer('jdk_admin'), 'carol@other.org', { ids: [carols.id], action: 'read' });
    expect(asAdmin.json().results).toEqual([{ id: carols.id, status: 'ok' }]);
  });
});
