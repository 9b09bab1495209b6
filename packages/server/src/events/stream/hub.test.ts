import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { EventLog, EventRecord } from '../index.js';
import { createEventHub, type StreamSink } from './hub.js';
import { type EventFilter, matchesEvent } from './match.js';

/** An in-memory log following the contract: positions in order, reads filtered like the SQL one. */
function memoryLog(options: { readDelayMs?: number } = {}) {
  const rows: EventRecord[] = [];
  const listeners = new Set<(p: number) => void>();
  let reads = 0;
  let oldest = 1;
  const log: EventLog = {
    async read(q) {
      reads++;
      if (options.readDelayMs) await new Promise((r) => setTimeout(r, options.readDelayMs));
      const filter: EventFilter = { scope: q.scope, types: q.types ?? [] };
      return rows.filter((e) => e.position > q.after && matchesEvent(e, filter)).slice(0, q.limit);
    },
    head: async () => rows.at(-1)?.position ?? 0,
    oldest: async () => oldest,
    onAppend(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  return {
    log,
    reads: () => reads,
    prune: (through: number) => {
      oldest = through + 1;
    },
    append(events: Array<Partial<EventRecord> & { type: string }>) {
      for (const e of events) {
        const position = rows.length + 1;
        rows.push({ position, id: `id-${position}`, time: 0, domain: null, address: null, data: {}, ...e });
      }
      for (const l of listeners) l(rows.length);
    },
  };
}

/** A response stand-in: records what was written; `stuck` makes it stop draining. */
class Sink extends EventEmitter implements StreamSink {
  chunks: string[] = [];
  stuck = false;
  writableLength = 0;
  ended = false;
  destroyed = false;
  write(chunk: string) {
    this.chunks.push(chunk);
    if (this.stuck) this.writableLength += chunk.length;
    return !this.stuck;
  }
  end() {
    this.ended = true;
    this.emit('close');
  }
  destroy() {
    this.destroyed = true;
    this.emit('close');
  }
  /** The positions of the events received, in order. */
  ids(): number[] {
    return this.chunks.flatMap((c) => [...c.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1])));
  }
}

const settle = () => new Promise((r) => setTimeout(r, 20));
const hubOf = (log: EventLog, extra: Partial<Parameters<typeof createEventHub>[0]> = {}) =>
  createEventHub({
    log,
    source: 'https://mail.test',
    heartbeatMs: 60_000,
    maxBufferedBytes: 10_000,
    maxStreamsPerCredential: 1000,
    batchSize: 4,
    ...extra,
  });

describe('event hub', () => {
  it('fans each append out to every matching stream with one tail read, whatever the number of streams', async () => {
    const m = memoryLog();
    const hub = hubOf(m.log);
    const a = Array.from({ length: 50 }, () => new Sink());
    const b = new Sink();
    const user = new Sink();
    for (const s of a)
      await hub.open({
        credential: 'k',
        filter: { scope: { domains: ['a.test'] }, types: [] },
        after: null,
        sink: s,
      });
    await hub.open({
      credential: 'k',
      filter: { scope: { domains: ['b.test'] }, types: ['user.*'] },
      after: null,
      sink: b,
    });
    await hub.open({
      credential: 'u',
      filter: { scope: { address: 'u@a.test' }, types: [] },
      after: null,
      sink: user,
    });
    const before = m.reads();
    m.append([
      { type: 'message.new', domain: 'a.test', address: 'u@a.test' },
      { type: 'user.created', domain: 'b.test', address: 'x@b.test' },
      { type: 'message.new', domain: 'b.test', address: 'y@b.test' },
      { type: 'user.updated', domain: 'a.test', address: 'v@a.test' },
    ]);
    await settle();
    expect(m.reads() - before).toBeLessThanOrEqual(2);
    for (const s of a) expect(s.ids()).toEqual([1, 4]);
    expect(b.ids()).toEqual([2]);
    expect(user.ids()).toEqual([1]);
    const event = /data: (.*)\n/.exec(user.chunks.find((c) => c.startsWith('id: 1')) ?? '')?.[1] ?? '{}';
    expect(JSON.parse(event)).toMatchObject({
      specversion: '1.0',
      id: 'id-1',
      type: 'message.new',
      subject: 'u@a.test',
    });
    expect(user.chunks.find((c) => c.startsWith('id: 1'))).toMatch(
      /^id: 1\nevent: message.new\ndata: \{.*\}\n\n$/,
    );
    await hub.close();
    expect(user.ended).toBe(true);
  });

  it('resumes from a position while events keep coming: each later event once, in order', async () => {
    const m = memoryLog({ readDelayMs: 2 });
    const hub = hubOf(m.log);
    const watcher = new Sink();
    await hub.open({
      credential: 'k',
      filter: { scope: { domains: 'all' }, types: [] },
      after: null,
      sink: watcher,
    });
    for (let i = 0; i < 30; i++) m.append([{ type: 'message.new', domain: 'a.test' }]);
    await settle();
    const resumed = new Sink();
    const opening = hub.open({
      credential: 'k',
      filter: { scope: { domains: 'all' }, types: [] },
      after: 7,
      sink: resumed,
    });
    // Appends while it catches up (each read waits a little): they reach it through the tail's pending list.
    for (let i = 0; i < 20; i++) {
      m.append([{ type: 'message.new', domain: 'a.test' }]);
      await new Promise((r) => setTimeout(r, 1));
    }
    await opening;
    await settle();
    await settle();
    const expected = Array.from({ length: 43 }, (_, i) => i + 8);
    expect(resumed.ids()).toEqual(expected);
    expect(watcher.ids()).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    await hub.close();
  });

  it('closes a stream whose client stops reading instead of buffering without bound', async () => {
    const m = memoryLog();
    const hub = hubOf(m.log, { maxBufferedBytes: 2000 });
    const slow = new Sink();
    const fast = new Sink();
    await hub.open({
      credential: 'k',
      filter: { scope: { domains: 'all' }, types: [] },
      after: null,
      sink: slow,
    });
    await hub.open({
      credential: 'k',
      filter: { scope: { domains: 'all' }, types: [] },
      after: null,
      sink: fast,
    });
    slow.stuck = true;
    for (let i = 0; i < 40; i++)
      m.append([{ type: 'message.new', domain: 'a.test', data: { pad: 'x'.repeat(100) } }]);
    await settle();
    expect(slow.destroyed).toBe(true);
    expect(hub.stats.dropped).toBe(1);
    expect(hub.stats.streams).toBe(1);
    expect(fast.ids()).toHaveLength(40);
    await hub.close();
  });

  it('refuses a stream past the per-credential cap and a cursor the retention passed', async () => {
    const m = memoryLog();
    const hub = hubOf(m.log, { maxStreamsPerCredential: 2 });
    const sinks = [new Sink(), new Sink()];
    for (const s of sinks) {
      await hub.admit('key-1', null);
      await hub.open({
        credential: 'key-1',
        filter: { scope: { domains: 'all' }, types: [] },
        after: null,
        sink: s,
      });
    }
    await expect(hub.admit('key-1', null)).rejects.toMatchObject({
      code: 'EVENT_STREAMS_EXCEEDED',
      status: 429,
    });
    await expect(hub.admit('key-2', null)).resolves.toBeUndefined();
    sinks[0]?.destroy();
    await expect(hub.admit('key-1', null)).resolves.toBeUndefined();
    m.append(Array.from({ length: 10 }, () => ({ type: 'message.new' })));
    m.prune(5);
    await expect(hub.admit('key-2', 3)).rejects.toMatchObject({ code: 'EVENT_CURSOR_EXPIRED', status: 410 });
    await expect(hub.admit('key-2', 5)).resolves.toBeUndefined();
    await hub.close();
  });

  it('sends heartbeats as comment lines', async () => {
    const m = memoryLog();
    const hub = hubOf(m.log, { heartbeatMs: 10 });
    const s = new Sink();
    await hub.open({
      credential: 'k',
      filter: { scope: { domains: 'all' }, types: [] },
      after: null,
      sink: s,
    });
    await new Promise((r) => setTimeout(r, 60));
    expect(s.chunks.filter((c) => c === ': heartbeat\n\n').length).toBeGreaterThanOrEqual(2);
    await hub.close();
  });
});
