import { type Static, Type } from 'typebox';
import type { AuthResults, DkimKeyInfo, DomainDnsReport } from '../../mail-auth/index.js';
import { iso, Nullable, ref, Timestamp } from './common.js';

const Result = (description: string) =>
  Type.String({
    description: `${description}: an RFC 8601 result (pass, fail, softfail, neutral, none, temperror, permerror, policy)`,
    examples: ['pass'],
  });

export const DkimOutcomeModel = Type.Object(
  {
    result: Result('The signature'),
    domain: Type.String({ description: 'The signing domain (`d=`)' }),
    selector: Nullable(Type.String({ description: 'The selector (`s=`)' })),
    aligned: Type.Boolean({ description: 'The signing domain is the From domain or in its organization' }),
  },
  { $id: 'DkimOutcome', title: 'DkimOutcome', description: 'One DKIM signature’s verification (RFC 6376)' },
);

export const AuthenticationModel = Type.Object(
  {
    spf: Type.Object({
      result: Result('SPF for the MAIL FROM (or HELO) identity'),
      domain: Nullable(Type.String({ description: 'The domain checked' })),
    }),
    dkim: Type.Array(ref(DkimOutcomeModel), {
      description: 'Every signature; empty when the message had none',
    }),
    dmarc: Type.Object({
      result: Result('DMARC for the From domain'),
      domain: Nullable(Type.String({ description: 'The From (organizational) domain' })),
      policy: Nullable(Type.String({ description: 'Its published policy: none, quarantine, reject' })),
    }),
    arc: Type.Object({ result: Result('The ARC chain (RFC 8617)') }),
    action: Type.Union([Type.Literal('accept'), Type.Literal('junk')], {
      description: '`junk`: filed to Junk because the From domain’s DMARC policy is quarantine',
    }),
    header: Type.String({
      description: 'The Authentication-Results header the MX added (unfolded, without its name)',
    }),
  },
  {
    $id: 'Authentication',
    title: 'Authentication',
    description:
      'What the MX found checking the message as it arrived (mail from trusted networks is not checked)',
  },
);

export const DnsRecordModel = Type.Object(
  {
    purpose: Type.Union(
      [
        Type.Literal('mx'),
        Type.Literal('spf'),
        Type.Literal('dkim'),
        Type.Literal('dmarc'),
        Type.Literal('mta-sts'),
        Type.Literal('mta-sts-host'),
      ],
      { description: 'What the record is for' },
    ),
    type: Type.Union([Type.Literal('MX'), Type.Literal('TXT'), Type.Literal('CNAME')]),
    name: Type.String({
      description: 'Fully qualified name, without the trailing dot',
      examples: ['_dmarc.example.com'],
    }),
    value: Type.String({
      description: 'What to publish (a long TXT value is split into strings of ≤ 255 octets in a zone file)',
    }),
    status: Type.Union(
      [Type.Literal('found'), Type.Literal('missing'), Type.Literal('different'), Type.Literal('unknown')],
      { description: 'Compared with DNS now: `unknown` when the lookup failed' },
    ),
    current: Type.Array(Type.String(), { description: 'What DNS answered for this name and kind' }),
    note: Type.Optional(Type.String()),
  },
  {
    $id: 'DnsRecord',
    title: 'DnsRecord',
    description: 'A DNS record to publish for a domain, with its check',
  },
);

export const DomainDnsModel = Type.Object(
  {
    domain: Type.String(),
    records: Type.Array(ref(DnsRecordModel)),
    mtaStsPolicy: Type.Object(
      {
        url: Type.String({
          description: 'Where senders fetch it: serve the text there over HTTPS',
        }),
        text: Type.String({ description: 'The policy file (RFC 8461 §3.2)' }),
      },
      { description: 'The MTA-STS policy' },
    ),
  },
  {
    $id: 'DomainDns',
    title: 'DomainDns',
    description: 'Every DNS record a domain needs, checked against DNS',
  },
);

export const DkimKeyModel = Type.Object(
  {
    domain: Type.String(),
    selector: Type.String({ examples: ['jdmail202607'] }),
    algorithm: Type.Literal('rsa-sha256'),
    publicKey: Type.String({ description: 'Base64 SPKI: the `p=` of the DNS record' }),
    dnsName: Type.String({
      description: 'Where to publish it',
      examples: ['jdmail202607._domainkey.example.com'],
    }),
    dnsValue: Type.String({ examples: ['v=DKIM1; k=rsa; p=MIIBIjANBg…'] }),
    createdAt: Timestamp('When the key was made'),
  },
  {
    $id: 'DkimKey',
    title: 'DkimKey',
    description: 'A domain’s active DKIM key (the private key is never shown)',
  },
);

export const toAuthenticationJson = (a: AuthResults): Static<typeof AuthenticationModel> => ({
  spf: a.spf,
  dkim: a.dkim.map((d) => ({
    result: d.result,
    domain: d.domain ?? '',
    selector: d.selector,
    aligned: d.aligned,
  })),
  dmarc: a.dmarc,
  arc: a.arc,
  action: a.action,
  header: a.header,
});

export const toDomainDnsJson = (r: DomainDnsReport): Static<typeof DomainDnsModel> => r;

export const toDkimKeyJson = (k: DkimKeyInfo): Static<typeof DkimKeyModel> => ({
  domain: k.domain,
  selector: k.selector,
  algorithm: k.algorithm,
  publicKey: k.publicKey,
  dnsName: `${k.selector}._domainkey.${k.domain}`,
  dnsValue: `v=DKIM1; k=rsa; p=${k.publicKey}`,
  createdAt: iso(k.createdAt),
});
