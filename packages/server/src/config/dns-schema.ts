import { type Static, Type } from 'typebox';

/**
 * `dns`: the resolver outbound delivery (MX, A/AAAA, MTA-STS) and inbound
 * mail authentication (SPF, DKIM, DMARC) query, with a cache that honours
 * each answer's TTL.
 */
export const DnsSchema = Type.Object(
  {
    servers: Type.Array(
      Type.String({
        pattern:
          '^(\\d{1,3}(\\.\\d{1,3}){3}(:\\d{1,5})?|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*|\\[[0-9A-Fa-f:.]+\\]:\\d{1,5})$',
        description: 'A recursive resolver: "ip", "ip:port" or "[ipv6]:port"',
      }),
      {
        default: [],
        description: "Recursive DNS servers, tried in order (default: the system's, from /etc/resolv.conf)",
      },
    ),
    timeoutMs: Type.Integer({
      minimum: 100,
      maximum: 60_000,
      default: 5000,
      description: 'How long to wait for one server to answer a query before trying the next',
    }),
    cacheSize: Type.Integer({
      minimum: 0,
      maximum: 1_000_000,
      default: 10_000,
      description: 'Answers kept in the cache at most (0 = no cache); the oldest go first',
    }),
    minTtlSeconds: Type.Integer({
      minimum: 0,
      maximum: 3600,
      default: 5,
      description: "Floor on a cached answer's lifetime (a TTL of 0 would send every lookup to the server)",
    }),
    maxTtlSeconds: Type.Integer({
      minimum: 1,
      maximum: 7 * 86_400,
      default: 3600,
      description: "Ceiling on a cached answer's lifetime, whatever its TTL",
    }),
    maxNegativeTtlSeconds: Type.Integer({
      minimum: 0,
      maximum: 86_400,
      default: 300,
      description:
        'Ceiling on how long "no such name" and "no such record" are cached (RFC 2308: the SOA minimum)',
    }),
  },
  { default: {}, additionalProperties: false },
);

export type DnsConfig = Static<typeof DnsSchema>;
