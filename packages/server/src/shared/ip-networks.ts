import net from 'node:net';

/**
 * Why `entry` is not an IP address or a CIDR network (`192.0.2.7`, `10.0.0.0/8`,
 * `2001:db8::/32`), or undefined when it is one. Shared by config validation
 * (a bad list stops the start naming its setting) and the limits module.
 */
export function ipNetworkError(entry: string): string | undefined {
  const [ip = '', prefix, extra] = entry.split('/');
  const family = net.isIP(ip);
  if (family === 0 || extra !== undefined) return `"${entry}" is not an IP address or CIDR network`;
  if (prefix === undefined) return undefined;
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max)
    return `"${entry}" has an invalid prefix length (0–${max})`;
  return undefined;
}

/** Splits a comma- (or space-) separated list of addresses and networks; empty entries are skipped. */
export function splitIpList(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}
