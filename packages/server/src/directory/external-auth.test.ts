import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import { AppError } from '../shared/index.js';
import { type Database, openDatabase } from '../store/index.js';
import type { Directory, ExternalUserRef } from './index.js';
import { createTestDirectory } from './testing/test-directory.js';

const databases = useDatabases();

// How the directory hands directory users to the injected authenticator (the LDAP one is tested against slapd).
describe('directory users sign in through the external authenticator', () => {
  let database: Database;
  let dir: Directory;
  const asked: ExternalUserRef[] = [];
  let answer: () => Promise<boolean> = async () => true;

  beforeEach(async () => {
    database = await openDatabase(await databases.fresh('sqlite'));
    dir = createTestDirectory(database.db, {
      externalAuth: {
        verify: async (user) => {
          asked.push(user);
          return answer();
        },
      },
    });
    await dir.createDomain('example.com');
    // A local user whose row the sync owns: set the source columns as the sync target would.
    await dir.createUser({
      address: 'ann@example.com',
      password: 'a-local-password',
      aliases: ['a@example.com'],
    });
    await database.db
      .updateTable('users')
      .set({ source: 'corp', external_id: 'uuid-1', source_dn: 'uid=ann,dc=example,dc=com' })
      .where('address', '=', 'ann@example.com')
      .execute();
    asked.length = 0;
    answer = async () => true;
  });
  afterEach(() => database.close());

  it('asks the directory (by alias too), never the local hash', async () => {
    expect((await dir.authenticate('A@example.com', 'directory-pw'))?.address).toBe('ann@example.com');
    expect(asked).toEqual([
      {
        id: expect.any(String),
        address: 'ann@example.com',
        source: 'corp',
        externalId: 'uuid-1',
        dn: 'uid=ann,dc=example,dc=com',
      },
    ]);
    answer = async () => false;
    expect(await dir.authenticate('ann@example.com', 'a-local-password')).toBeNull();
  });

  it('refuses empty passwords and disabled users without asking', async () => {
    expect(await dir.authenticate('ann@example.com', '')).toBeNull();
    await dir.updateUser('ann@example.com', { enabled: false });
    expect(await dir.authenticate('ann@example.com', 'directory-pw')).toBeNull();
    expect(asked).toEqual([]);
  });

  it('passes DIRECTORY_UNAVAILABLE on: a directory that cannot be asked is not a wrong password', async () => {
    answer = async () => {
      throw new AppError('DIRECTORY_UNAVAILABLE');
    };
    await expect(dir.authenticate('ann@example.com', 'x')).rejects.toMatchObject({
      code: 'DIRECTORY_UNAVAILABLE',
      status: 503,
    });
  });
});
