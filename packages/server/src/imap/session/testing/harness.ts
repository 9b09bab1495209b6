import { Duplex } from 'node:stream';
import tls from 'node:tls';
import pino from 'pino';
import type { TestDatabase } from '../../../../../../test/harness/databases.js';
import { RawImap } from '../../../../../../test/harness/imap-raw.js';
import { addUser, openStore, type StoreFixture } from '../../../../../../test/harness/mail-store.js';
import type { Directory } from '../../../directory/index.js';
import {
  createConnectionLimiter,
  createLoginGuard,
  createMemoryBucketStore,
  parseAddressList,
} from '../../../limits/index.js';
import { createMailService } from '../../../mail/index.js';
import { createChangeWatcher } from '../change-watcher.js';
import { createCommandRegistry } from '../commands.js';
import type { ImapDeps, ImapSettings } from '../deps.js';
import { RecentTracker } from '../recent.js';
import { ImapSession } from '../session.js';

/** Two connected in-memory streams: what one writes, the other reads. The first has a `remoteAddress`. */
export function socketPair(remoteAddress: string): [Duplex, Duplex] {
  const make = (peer: () => Duplex) =>
    new Duplex({
      allowHalfOpen: false,
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        peer().push(chunk);
        callback();
      },
      final(callback) {
        peer().push(null);
        callback();
      },
      destroy(error, callback) {
        const other = peer();
        if (!other.destroyed) other.destroy();
        callback(error);
      },
    });
  const server: Duplex = make(() => client);
  const client: Duplex = make(() => server);
  Object.assign(server, { remoteAddress });
  return [server, client];
}

/** A user the fake directory knows, with password `secret`. */
export interface TestUser {
  id: string;
  address: string;
}

/** A session tracker that remembers open sessions so a test can end them as an admin would. */
export class FakeTracker {
  readonly open = new Map<string, (reason: string) => void>();
  private next = 0;
  async open_(userId: string, onEnd: (reason: string) => void) {
    const id = `${userId}#${++this.next}`;
    this.open.set(id, onEnd);
    return { close: async () => void this.open.delete(id) };
  }
  /** Ends every open session of `userId` with `reason`. */
  revoke(userId: string, reason: string): void {
    for (const [id, onEnd] of this.open) {
      if (!id.startsWith(`${userId}#`)) continue;
      this.open.delete(id);
      onEnd(reason);
    }
  }
}

/** A store on a fresh database, the deps every session gets, and ways to open sessions over in-memory sockets. */
export interface ImapHarness {
  f: StoreFixture;
  deps: ImapDeps;
  tracker: FakeTracker;
  /** Directory answers for these addresses; `directoryDown` makes it throw. */
  users: Map<string, TestUser>;
  directoryDown: boolean;
  addUser(): Promise<TestUser>;
  /** A client connected to a new session, greeting read; `remote` is the client's address (default loopback). */
  connect(options?: { remote?: string; tlsContext?: tls.SecureContext }): Promise<RawImap>;
  /** A client already logged in as `user`. */
  login(user: TestUser, options?: { remote?: string }): Promise<RawImap>;
  close(): Promise<void>;
}

export async function imapHarness(
  db: TestDatabase,
  settings: Partial<ImapSettings> = {},
  secureContext: tls.SecureContext = tls.createSecureContext(),
): Promise<ImapHarness> {
  const f = await openStore(db);
  const log = pino({ level: 'silent' });
  const users = new Map<string, TestUser>();
  const state = { directoryDown: false };
  const directory = {
    async authenticate(address: string, password: string) {
      if (state.directoryDown) throw new Error('directory unreachable');
      const user = users.get(address);
      return user && password === 'secret' ? user : null;
    },
    async findUserIds(addresses: string[]) {
      return new Map(
        addresses.flatMap((a) => (users.has(a) ? [[a, (users.get(a) as TestUser).id] as const] : [])),
      );
    },
    noteStored() {},
    noteUsageChanged() {},
  } as unknown as Directory;
  const tracker = new FakeTracker();
  const deps: ImapDeps = {
    settings: {
      hostname: 'mail.test',
      plaintextAuthFrom: parseAddressList('127.0.0.0/8,::1'),
      appendLimit: 1024 * 1024,
      loginTimeoutMs: 60_000,
      idleTimeoutMs: 30 * 60_000,
      keepaliveMs: 120_000,
      commandTimeoutMs: 60_000,
      ...settings,
    },
    directory,
    guard: createLoginGuard({ store: createMemoryBucketStore() }),
    store: f.store,
    mail: createMailService({
      store: f.store,
      directory,
      hostname: 'mail.test',
      maxMessageSize: 1024 * 1024,
      log,
    }),
    tracker: { open: (input, onEnd) => tracker.open_(input.userId, onEnd) },
    userSessions: createConnectionLimiter({ maxPerClient: 10 }),
    changes: createChangeWatcher(f.store.notifier, log),
    recent: new RecentTracker(),
    commands: createCommandRegistry(),
    secureContext,
    log,
  };
  const sessions: ImapSession[] = [];
  const harness: ImapHarness = {
    f,
    deps,
    tracker,
    users,
    get directoryDown() {
      return state.directoryDown;
    },
    set directoryDown(v: boolean) {
      state.directoryDown = v;
    },
    async addUser() {
      const id = await addUser(f);
      const row = await f.database.db
        .selectFrom('users')
        .select('address')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      const user = { id, address: row.address };
      users.set(user.address, user);
      return user;
    },
    async connect(options = {}) {
      const [server, client] = socketPair(options.remote ?? '127.0.0.1');
      const session = new ImapSession(server as never, deps, { implicitTls: false, log });
      sessions.push(session);
      void session.start();
      const raw = new RawImap(client);
      await raw.line();
      return raw;
    },
    async login(user, options = {}) {
      const raw = await harness.connect(options);
      const answer = await raw.command('L', `LOGIN ${user.address} secret`);
      if (!answer.status.startsWith('L OK')) throw new Error(`login failed: ${answer.status}`);
      return raw;
    },
    async close() {
      for (const s of sessions) s.conn.destroy();
      await f.close();
    },
  };
  return harness;
}
