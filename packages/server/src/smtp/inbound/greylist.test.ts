import pino from 'pino';
import type { SMTPServerSession } from 'smtp-server';
import { describe, expect, it } from 'vitest';
import type { Greylist, Triplet } from '../../filter/index.js';
import { parseAddressList } from '../../limits/index.js';
import { createGreylistStage } from './greylist.js';

function stageWith(check: Greylist['check']) {
  const asked: Triplet[] = [];
  const run = createGreylistStage({
    greylist: {
      check: (t) => {
        asked.push(t);
        return check(t);
      },
      prune: async () => 0,
    },
    exemptClients: [parseAddressList('192.0.2.0/24'), parseAddressList('')],
    exemptDomains: ['bank.example'],
    log: pino({ level: 'silent' }),
  });
  const attempt = (remoteAddress: string, from: string, user?: string) =>
    run({ address: 'Bob@Example.com', args: false }, {
      id: 's',
      remoteAddress,
      user,
      envelope: { mailFrom: { address: from, args: false }, rcptTo: [] },
    } as unknown as SMTPServerSession);
  return { attempt, asked };
}

describe('greylist stage', () => {
  it('answers a deferred triplet 451 4.7.1 with the time to wait', async () => {
    const { attempt, asked } = stageWith(async () => ({ pass: false, retryAfterSeconds: 299 }));
    await expect(attempt('198.51.100.7', 'a@remote.test')).rejects.toMatchObject({
      responseCode: 451,
      message: expect.stringMatching(/^4\.7\.1 Greylisted: .* try again in 299 seconds$/),
    });
    expect(asked).toEqual([
      { client: '198.51.100.7', sender: 'a@remote.test', recipient: 'bob@example.com' },
    ]);
  });

  it('skips exempt networks, exempt sender domains and their subdomains, and signed-in sessions', async () => {
    const { attempt, asked } = stageWith(async () => ({ pass: false, retryAfterSeconds: 300 }));
    await attempt('192.0.2.44', 'a@remote.test');
    await attempt('::ffff:192.0.2.45', 'a@remote.test');
    await attempt('198.51.100.7', 'alerts@bank.example');
    await attempt('198.51.100.7', 'alerts@mail.bank.example');
    await attempt('198.51.100.7', 'a@remote.test', 'u1');
    expect(asked).toEqual([]);
    await expect(attempt('198.51.100.7', 'a@notbank.example')).rejects.toMatchObject({ responseCode: 451 });
  });

  it('lets mail through when the greylist store fails', async () => {
    const { attempt } = stageWith(async () => {
      throw new Error('database down');
    });
    await expect(attempt('198.51.100.7', 'a@remote.test')).resolves.toBeUndefined();
  });
});
