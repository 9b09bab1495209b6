/**
 * The SSRF guard: a webhook URL is the caller's, but the request leaves from
 * inside the network, so it must not reach what only the server can reach
 * (localhost services, the cloud metadata address, the private network).
 *
 * Only public unicast addresses pass: loopback, private (RFC 1918), shared
 * (RFC 6598), link-local (incl. 169.254.169.254), multicast, broadcast,
 * unspecified, reserved and documentation ranges are refused, and in IPv6
 * also unique-local (fc00::/7), link-local, and every form that embeds an
 * IPv4 address (IPv4-mapped ::ffff:0:0/96 is judged by the IPv4 address it
 * maps; NAT64, 6to4 and Teredo are refused outright, since what they reach
 * cannot be told from here). Ranges are `ipaddr.js`'s tables.
 *
 * The check runs where the address is chosen: in the connection's own DNS
 * lookup (see {@link guardedLookup}), so a name that resolved to a public
 * address when the endpoint was registered and to 127.0.0.1 at delivery (DNS
 * rebinding) is refused at delivery. Literal addresses in the URL are
 * checked before the request, as no lookup happens for them.
 */
import dns, { type LookupAddress, type LookupOptions } from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { AppError } from '../../shared/index.js';

/** Whether `address` (a literal IPv4 or IPv6 address) is a public unicast address. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress())
    ip = (ip as ipaddr.IPv6).toIPv4Address();
  return ip.range() === 'unicast';
}

/** Why a target was refused; the delivery records its message, the API answers WEBHOOK_TARGET_REFUSED. */
export class TargetRefused extends Error {
  readonly code = 'WEBHOOK_TARGET_REFUSED';
  constructor(host: string, address: string) {
    super(
      `${host} resolves to ${address}, which is not a public address (webhooks.allowPrivateTargets is off)`,
    );
  }
}

/** The host of a URL as a lookup takes it: IPv6 literals without their brackets. */
export const hostOf = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for `net.connect`/`tls.connect` (undici's `connect` option):
 * resolves as `dns.lookup` does and refuses the host when any of its
 * addresses is not public, unless `allowPrivate`. All addresses, not just
 * the first: Happy Eyeballs may try any of them.
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const bad = allowPrivate ? undefined : addresses.find((a) => !isPublicAddress(a.address));
      if (bad) return callback(new TargetRefused(hostname, bad.address) as NodeJS.ErrnoException, []);
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first)
        return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
}

/** The literal address of a URL's host, refused unless public (or allowed); names are left to the lookup. */
export function checkLiteralHost(url: URL, allowPrivate: boolean): void {
  const host = hostOf(url);
  if (!allowPrivate && net.isIP(host) !== 0 && !isPublicAddress(host)) throw new TargetRefused(host, host);
}

const invalid = (message: string) => new AppError('VALIDATION_FAILED', `url: ${message}`, { field: 'url' });

/**
 * Validates an endpoint URL at registration: http or https, no credentials
 * in it, and (unless `allowPrivate`) a host that is or resolves only to
 * public addresses. Returns the URL normalized. Deliveries check again.
 */
export async function checkTargetUrl(raw: string, allowPrivate: boolean): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('must be http or https');
  if (url.username || url.password) throw invalid('must not carry a user name or password');
  if (url.hash) throw invalid('must not have a fragment');
  if (allowPrivate) return url.href;
  const host = hostOf(url);
  const refused = (address: string) =>
    new AppError('WEBHOOK_TARGET_REFUSED', new TargetRefused(host, address).message, { field: 'url' });
  if (net.isIP(host) !== 0) {
    if (!isPublicAddress(host)) throw refused(host);
    return url.href;
  }
  let addresses: LookupAddress[];
  try {
    addresses = await dns.promises.lookup(host, { all: true });
  } catch {
    throw invalid(`its host ${host} does not resolve`);
  }
  const bad = addresses.find((a) => !isPublicAddress(a.address));
  if (bad) throw refused(bad.address);
  return url.href;
}
