import { type Arguments, readNumber } from './arguments.js';
import type { IdParams, ImapCommand } from './commands.js';
import { isAtom } from './flags.js';

/** LOGIN userid password (RFC 9051 §6.2.3). */
export function parseLogin(args: Arguments): ImapCommand {
  const username = args.astring('a user name');
  const password = args.astring('a password');
  args.end();
  return { name: 'LOGIN', username, password };
}

/**
 * AUTHENTICATE mechanism [initial-response] (RFC 9051 §6.2.2, SASL-IR RFC
 * 4959): `=` is an empty initial response. Later responses come as raw lines
 * (see {@link decodeSaslResponse}).
 */
export function parseAuthenticate(args: Arguments): ImapCommand {
  const mechanism = args.keyword('a SASL mechanism');
  if (!isAtom(mechanism)) throw args.error(`"${mechanism}" is not a SASL mechanism name`);
  let initialResponse: Buffer | null = null;
  if (!args.done) {
    const text = args.atom('an initial response (base64 or =)');
    const decoded = decodeSaslResponse(Buffer.from(text, 'latin1'));
    if (decoded === null || decoded === 'cancel')
      throw args.error('the initial response is not valid base64');
    initialResponse = decoded;
  }
  args.end();
  return { name: 'AUTHENTICATE', mechanism, initialResponse };
}

/**
 * A client's SASL response line: its bytes, `cancel` for `*` (RFC 9051
 * §6.2.2: the client aborts), or null when it is not valid base64.
 */
export function decodeSaslResponse(line: Buffer): Buffer | 'cancel' | null {
  const text = line.toString('latin1').trim();
  if (text === '*') return 'cancel';
  if (text === '=' || text === '') return Buffer.alloc(0);
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return null;
  return Buffer.from(text, 'base64');
}

/** ENABLE capability+ (RFC 5161); names in upper case. */
export function parseEnable(args: Arguments): ImapCommand {
  const capabilities: string[] = [];
  do capabilities.push(args.keyword('a capability name'));
  while (!args.done);
  return { name: 'ENABLE', capabilities };
}

/** RFC 2971 §3.3: at most 30 pairs, fields of at most 30 octets, values of at most 1024. */
const ID_LIMITS = { pairs: 30, field: 30, value: 1024 };

/** ID (field value ...) or ID NIL (RFC 2971). */
export function parseId(args: Arguments): ImapCommand {
  if (args.takeKeyword('NIL')) {
    args.end();
    return { name: 'ID', params: null };
  }
  const list = args.list('the ID parameters or NIL');
  const params: Array<readonly [string, string | null]> = [];
  while (!list.done) {
    const field = list.astring('an ID field name');
    const value = list.takeKeyword('NIL') ? null : list.astring('an ID value or NIL');
    if (Buffer.byteLength(field) > ID_LIMITS.field)
      throw args.error(`ID field names are at most ${ID_LIMITS.field} octets`);
    if (value !== null && Buffer.byteLength(value) > ID_LIMITS.value) {
      throw args.error(`ID values are at most ${ID_LIMITS.value} octets`);
    }
    params.push([field, value]);
  }
  if (params.length > ID_LIMITS.pairs) throw args.error(`at most ${ID_LIMITS.pairs} ID field-value pairs`);
  args.end();
  return { name: 'ID', params: params as IdParams };
}

/** COMPRESS algorithm (RFC 4978); the session answers a name other than DEFLATE. */
export function parseCompress(args: Arguments): ImapCommand {
  const algorithm = args.keyword('a compression algorithm (DEFLATE)');
  args.end();
  return { name: 'COMPRESS', algorithm };
}

/** GETQUOTA root (RFC 9208 §4.2). */
export function parseGetQuota(args: Arguments): ImapCommand {
  const root = args.astring('a quota root');
  args.end();
  return { name: 'GETQUOTA', root };
}

/** SETQUOTA root (resource limit ...) (RFC 9208 §4.4). */
export function parseSetQuota(args: Arguments): ImapCommand {
  const root = args.astring('a quota root');
  const list = args.list('the quota limits');
  const limits: Array<readonly [string, number]> = [];
  while (!list.done) {
    const resource = list.keyword('a resource name (STORAGE, MESSAGE …)');
    limits.push([resource, readNumber(list, 'a limit', 0, Number.MAX_SAFE_INTEGER)]);
  }
  args.end();
  return { name: 'SETQUOTA', root, limits };
}
