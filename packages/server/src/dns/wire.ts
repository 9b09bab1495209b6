import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { isIPv6, Socket } from 'node:net';
import dnsPacket, { type DecodedPacket } from 'dns-packet';
import type { DnsServer } from './servers.js';

/** How one query to one server failed, before it is turned into a node:dns error. */
export class WireError extends Error {
  constructor(
    readonly reason: 'timeout' | 'network' | 'badresp',
    message: string,
  ) {
    super(message);
  }
}

/** EDNS0 payload size advertised over UDP (the DNS Flag Day 2020 value, safe from fragmentation). */
const UDP_PAYLOAD = 1232;

/**
 * Sends one question to one server and returns its decoded answer: over UDP,
 * again over TCP when the answer comes back truncated (RFC 7766 §5, RFC 1035
 * §4.2.2), each try bounded by `timeoutMs`. The encoding and decoding of DNS
 * messages is dns-packet's; a reply whose id or question does not match ours
 * is ignored (RFC 5452 §9.1), so a spoofed packet cannot answer for the server.
 */
export async function queryServer(
  server: DnsServer,
  name: string,
  type: string,
  timeoutMs: number,
): Promise<DecodedPacket> {
  const id = randomInt(0, 65_536);
  const packet = {
    type: 'query' as const,
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type, name, class: 'IN' }],
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: UDP_PAYLOAD }],
  } as dnsPacket.Packet;
  const answer = await overUdp(
    server,
    dnsPacket.encode(packet),
    (a) => matches(a, id, name, type),
    timeoutMs,
  );
  if (!answer.flag_tc) return answer;
  return overTcp(server, dnsPacket.streamEncode(packet), (a) => matches(a, id, name, type), timeoutMs);
}

function matches(answer: DecodedPacket, id: number, name: string, type: string): boolean {
  const q = answer.questions?.[0];
  return answer.id === id && !!q && q.type === type && q.name.toLowerCase() === name.toLowerCase();
}

function overUdp(
  server: DnsServer,
  query: Buffer,
  isOurs: (a: DecodedPacket) => boolean,
  timeoutMs: number,
): Promise<DecodedPacket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIPv6(server.host) ? 'udp6' : 'udp4');
    const finish = (err: Error | null, answer?: DecodedPacket) => {
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve(answer as DecodedPacket);
    };
    const timer = setTimeout(() => finish(new WireError('timeout', 'no answer in time')), timeoutMs);
    socket.on('error', (err) => finish(new WireError('network', err.message)));
    socket.on('message', (msg, rinfo) => {
      if (rinfo.port !== server.port) return;
      const answer = decode(msg);
      if (answer && isOurs(answer)) finish(null, answer);
    });
    socket.send(query, server.port, server.host, (err) => {
      if (err) finish(new WireError('network', err.message));
    });
  });
}

function overTcp(
  server: DnsServer,
  query: Buffer,
  isOurs: (a: DecodedPacket) => boolean,
  timeoutMs: number,
): Promise<DecodedPacket> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let buffered = Buffer.alloc(0);
    const finish = (err: Error | null, answer?: DecodedPacket) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(answer as DecodedPacket);
    };
    const timer = setTimeout(() => finish(new WireError('timeout', 'no answer in time over TCP')), timeoutMs);
    socket.on('error', (err) => finish(new WireError('network', err.message)));
    socket.on('close', () => finish(new WireError('network', 'connection closed before the answer')));
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < 2 || buffered.length < 2 + buffered.readUInt16BE(0)) return;
      const answer = decode(buffered.subarray(2, 2 + buffered.readUInt16BE(0)));
      if (answer && isOurs(answer)) finish(null, answer);
      else finish(new WireError('badresp', 'answer over TCP does not match the question'));
    });
    socket.connect(server.port, server.host, () => socket.write(query));
  });
}

function decode(msg: Buffer): DecodedPacket | null {
  try {
    return dnsPacket.decode(msg);
  } catch {
    return null; // garbage on our port: keep waiting for the real answer
  }
}
