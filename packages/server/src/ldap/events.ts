import type { UserEventType } from './plan-types.js';

/**
 * What the directory sync announces, one event per change it committed.
 * Names follow the event catalogue of DESIGN.md (`user.created`,
 * `user.disabled` …). The events module does not exist yet: `main.ts` wires
 * the sink (today: a log line), so this is the one place to connect it.
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
