import { type Static, Type } from 'typebox';

/** `virus`: the ClamAV daemon the filter scans messages with, and what to do with its answers. */
export const VirusSchema = Type.Object(
  {
    clamd: Type.String({
      default: '',
      pattern: '^(|tcp://.+:[0-9]{1,5}|unix:/.+)$',
      description:
        'clamd address: tcp://127.0.0.1:3310 or unix:/run/clamav/clamd.ctl; empty: no virus scanning',
    }),
    onInfected: Type.Union([Type.Literal('reject'), Type.Literal('quarantine')], {
      default: 'reject',
      description: 'An infected message: reject it at DATA (554 5.7.1 virus: NAME) or quarantine it',
    }),
    onError: Type.Union([Type.Literal('tempfail'), Type.Literal('accept')], {
      default: 'tempfail',
      description:
        'clamd down or failing: refuse for now (451 4.7.1, the sender retries) or deliver unscanned',
    }),
    onTooLarge: Type.Union([Type.Literal('accept'), Type.Literal('reject'), Type.Literal('tempfail')], {
      default: 'accept',
      description:
        'A message over maxStreamBytes, which clamd cannot scan: deliver unscanned, reject or tempfail',
    }),
    maxStreamBytes: Type.Integer({
      minimum: 1024,
      default: 25 * 1024 * 1024,
      description:
        "At most this many bytes are sent to clamd; keep it at or below clamd's StreamMaxLength (25M)",
    }),
    chunkBytes: Type.Integer({
      minimum: 1024,
      maximum: 16 * 1024 * 1024,
      default: 64 * 1024,
      description: 'Size of each INSTREAM chunk sent to clamd',
    }),
    timeoutMs: Type.Integer({
      minimum: 100,
      default: 30_000,
      description: 'Time budget of one scan (connect, stream, answer); over it the scan is an error',
    }),
  },
  { default: {}, additionalProperties: false },
);

export type VirusConfig = Static<typeof VirusSchema>;
