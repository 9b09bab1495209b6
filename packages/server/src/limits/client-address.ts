import ipaddr from 'ipaddr.js';

/**
 * The unit a per-address budget is kept for: an IPv4 address as it is (an
 * IPv4-mapped IPv6 one, `::ffff:192.0.2.1`, is the same client), an IPv6
 * address by its /64. One subscriber or server gets a whole /64 (RFC 6177,
 * RFC 7421), so counting single IPv6 addresses would give one attacker 2^64
 * fresh budgets. Anything unparsable is used as given.
 */
export function budgetAddress(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4);
  return `${new ipaddr.IPv6([...parts, 0, 0, 0, 0]).toString()}/64`;
}
