import type { AddressOwner, SourceGroup, SourceUser, SyncMode } from '../directory/index.js';
import type { ReportBuilder } from './report.js';
import type { LdapSource } from './source.js';

export type UserEventType = 'user.created' | 'user.updated' | 'user.disabled' | 'user.enabled';

/** Everything a plan is decided from; the plan itself is a pure function of it. */
export interface PlanContext {
  source: Pick<LdapSource, 'name' | 'domain' | 'disableGraceMs' | 'maxDisablePercent' | 'departments'>;
  mode: SyncMode;
  force: boolean;
  now: number;
  /** The source's users and groups as jdmail holds them now. */
  current: SourceUser[];
  currentGroups: SourceGroup[];
  /** Current holders of every address the directory offers. */
  owners: Map<string, AddressOwner>;
  localDomains: ReadonlySet<string>;
  newId: () => string;
  report: ReportBuilder;
}
