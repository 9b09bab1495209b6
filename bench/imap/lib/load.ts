// Loads the same messages into a user's INBOX on either server, through IMAP APPEND (the one
// path both servers have), pipelined with LITERAL+ when the server offers it.
import { type ImapReply, ImapWire, literal } from '../../../test/harness/imap-wire.js';

export interface LoadResult {
  messages: number;
  bytes: number;
  ms: number;
}

/**
 * APPENDs every message to INBOX (seven in ten `\Seen`, as in a mailbox that is read), `window`
 * commands in flight, then checks that INBOX holds exactly that many. The user's INBOX must be
 * empty before.
 */
export async function loadInbox(
  port: number,
  user: { name: string; password: string },
  messages: Buffer[],
  window = 32,
): Promise<LoadResult> {
  const started = performance.now();
  const wire = await ImapWire.connect({ port });
  try {
    const login = await wire.login(user.name, user.password);
    if (login.status !== 'OK') throw new Error(`LOGIN ${user.name}: ${login.text}`);
    if (!/\[CAPABILITY /i.test(login.text)) await wire.command('CAPABILITY');
    const mode = wire.has('LITERAL+') ? 'plus' : 'sync';
    const inFlight: Promise<ImapReply>[] = [];
    let bytes = 0;
    for (const [i, m] of messages.entries()) {
      if (inFlight.length >= (mode === 'plus' ? window : 1)) await check(inFlight.shift());
      const flags = i % 10 < 7 ? '(\\Seen) ' : '';
      inFlight.push(wire.command([`APPEND INBOX ${flags}`, literal(m, mode)], { timeoutMs: 120_000 }));
      bytes += m.length;
    }
    for (const p of inFlight) await check(p);
    const sel = await wire.command('EXAMINE INBOX');
    const exists = sel.untagged.map((r) => /^\* (\d+) EXISTS/i.exec(r.text)?.[1]).find(Boolean);
    if (Number(exists) !== messages.length)
      throw new Error(`${user.name}: INBOX has ${exists} messages after loading ${messages.length}`);
    return { messages: messages.length, bytes, ms: performance.now() - started };
  } finally {
    await wire.logout();
  }
}

async function check(p: Promise<ImapReply> | undefined): Promise<void> {
  const r = await p;
  if (r && r.status !== 'OK') throw new Error(`APPEND failed: ${r.text}`);
}
