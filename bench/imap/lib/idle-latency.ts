// How fast a new message reaches IMAP sessions in IDLE.
import { ImapWire, literal } from '../../../test/harness/imap-wire.js';
import type { IdleHolder, IdleSession } from './idle-hold.js';
import type { BenchUser } from './servers.js';

export interface LatencyResult {
  deliveries: number;
  /** Milliseconds from the APPEND's first byte to each woken session's `* n EXISTS`. */
  samples: number[];
  /** Per delivery, the first session's latency. */
  first: number[];
  /** Sessions that had not seen the message after `timeoutMs`. */
  missed: number;
}

/**
 * Delivers `deliveries` messages by APPEND from a separate session of each user in turn, and
 * times how long each of that user's idling sessions takes to be told (`* n EXISTS`, RFC 9051
 * §7.4.1 / RFC 2177). One delivery at a time: the next starts once every session saw the last.
 */
export async function measureIdleLatency(o: {
  port: number;
  holder: IdleHolder;
  users: BenchUser[];
  messages: Buffer[];
  deliveries: number;
  timeoutMs?: number;
}): Promise<LatencyResult> {
  const byUser = new Map<string, IdleSession[]>();
  for (const s of o.holder.sessions) byUser.set(s.user, [...(byUser.get(s.user) ?? []), s]);
  const users = o.users.filter((u) => byUser.has(u.name));
  if (users.length === 0) throw new Error('no idling session to deliver to');
  const appenders = new Map<string, ImapWire>();
  for (const u of users) {
    const w = await ImapWire.connect({ port: o.port });
    const r = await w.login(u.name, u.password);
    if (r.status !== 'OK') throw new Error(`LOGIN ${u.name}: ${r.text}`);
    if (!/\[CAPABILITY /i.test(r.text)) await w.command('CAPABILITY');
    appenders.set(u.name, w);
  }
  const result: LatencyResult = { deliveries: 0, samples: [], first: [], missed: 0 };
  let short = 0;
  try {
    for (let k = 0; k < o.deliveries; k++) {
      const user = users[k % users.length] as BenchUser;
      const targets = byUser.get(user.name) ?? [];
      const wire = appenders.get(user.name) as ImapWire;
      const message = o.messages[k % o.messages.length] as Buffer;
      const seen: number[] = [];
      let t0 = 0;
      const all = new Promise<void>((res) => {
        const timer = setTimeout(res, o.timeoutMs ?? 5_000);
        for (const s of targets)
          s.onExists = (at) => {
            s.onExists = null;
            seen.push(at - t0);
            if (seen.length === targets.length) {
              clearTimeout(timer);
              res();
            }
          };
      });
      const mode = wire.has('LITERAL+') ? 'plus' : 'sync';
      t0 = performance.now();
      const appended = wire.command(['APPEND INBOX ', literal(message, mode)]);
      await all;
      const r = await appended;
      if (r.status !== 'OK') throw new Error(`APPEND for ${user.name}: ${r.text}`);
      for (const s of targets) s.onExists = null;
      result.deliveries++;
      result.samples.push(...seen);
      if (seen.length > 0) result.first.push(Math.min(...seen));
      result.missed += targets.length - seen.length;
      if (seen.length < targets.length && ++short >= 10) break; // broken notification: do not wait 5 s × all
      await new Promise((res) => setTimeout(res, 20));
    }
  } finally {
    for (const w of appenders.values()) await w.logout();
  }
  return result;
}
