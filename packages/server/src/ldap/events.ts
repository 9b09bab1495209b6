import type { UserEventType } from './plan-types.js';

/**
 * What the directory sync announces after each commit, one event per user
 * change. The record integrators read is the event log (`events/`): the
 * same changes are written there as `user.*` events by the sync's own
 * transactions (`apply.ts` hands them to the target in `SyncBatch.events`).
 * This sink is an optional in-process hook after the commit (tests use it).
 */
export interface UserEvent {
  type: UserEventType;
  /** Epoch ms when it was committed. */
  at: number;
  user: { id: string; address: string };
  /** The directory source that made the change. */
  source: string;
  /** For `user.updated`: the fields that changed. */
  changes?: string[];
}

export type EventSink = (event: UserEvent) => void;
