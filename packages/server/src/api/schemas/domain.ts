import { type Static, Type } from 'typebox';
import type { Domain } from '../../directory/index.js';
import { DomainName, iso, PageOf, Timestamp } from './common.js';

export const DomainModel = Type.Object(
  {
    id: Type.String(),
    name: Type.String({ description: 'Lower-case domain name', examples: ['example.com'] }),
    createdAt: Timestamp('When the domain was added'),
  },
  { $id: 'Domain', title: 'Domain', description: 'A mail domain served by this install' },
);

export const CreateDomainBody = Type.Object(
  {
    name: DomainName(
      'The domain to serve, e.g. `example.com`. An internationalized name may be given in Unicode (`例子.中国`) or as its A-label; it is stored and returned as the A-label (`xn--fsqu00a.xn--fiqs8s`).',
    ),
  },
  { $id: 'CreateDomainRequest', title: 'CreateDomainRequest', additionalProperties: false },
);

export const DomainPage = PageOf(DomainModel, 'DomainPage', 'A page of domains');

export const toDomainJson = (d: Domain): Static<typeof DomainModel> => ({
  id: d.id,
  name: d.name,
  createdAt: iso(d.createdAt),
});
