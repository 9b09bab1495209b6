/**
 * The POP3 service (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 SASL
 * PLAIN): `protocol/` is the wire format and knows nothing of jdmail;
 * `session/` has one file per command or command family; `listener.ts`
 * accepts connections on both ports and enforces the limits. The module's only public face.
 */
export {
  createPop3Listeners,
  type Pop3ListenerDeps,
  type Pop3Listeners,
  type Pop3Port,
} from './listener.js';
export type { SessionTracker, TrackedSession } from './session/deps.js';
