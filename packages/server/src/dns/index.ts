export type { MxRecord } from './answers.js';
export { type DnsError, type DnsErrorCode, type DnsRecordType, dnsError, isDnsError } from './errors.js';
export {
  createDnsResolver,
  type DnsResolver,
  type DnsResolverDeps,
  type ResolveOptions,
} from './resolver.js';
export { type DnsServer, parseDnsServers } from './servers.js';
