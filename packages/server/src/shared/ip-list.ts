import { BlockList, isIPv4, isIPv6 } from 'node:net';

/**
 * A matcher for a comma-separated list of IP addresses and CIDRs
 * (`127.0.0.0/8,::1,10.1.2.0/24`); an empty list matches nothing. Throws on
 * an entry that is neither, so a typo in a setting stops the start instead
 * of silently opening or closing what it guards.
 */
export function parseIpList(value: string): (ip: string) => boolean {
  const list = new BlockList();
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const [address = '', bits] = entry.split('/');
    const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : null;
    const prefix = bits === undefined ? (family === 'ipv4' ? 32 : 128) : Number(bits);
    if (!family || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 'ipv4' ? 32 : 128))
      throw new Error(`"${entry}" is not an IP address or CIDR`);
    list.addSubnet(address, prefix, family);
  }
  return (ip) => {
    // An IPv4 client on a dual-stack socket appears as ::ffff:a.b.c.d.
    const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
    if (v4) return list.check(v4, 'ipv4');
    return isIPv4(ip) ? list.check(ip, 'ipv4') : isIPv6(ip) ? list.check(ip, 'ipv6') : false;
  };
}
