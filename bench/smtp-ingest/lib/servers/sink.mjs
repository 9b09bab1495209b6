// smtp-sink(1): accepts and discards, the protocol ceiling of this client on this machine.
import { createDiscardingServer } from './discarding.mjs';

/** @param {{ dir: string }} o */
export function createSink({ dir }) {
  return createDiscardingServer({
    name: 'sink',
    label: 'smtp-sink (ceiling)',
    dir,
    note: 'smtp-sink discards messages',
    // -u nobody: required when started as root. Backlog 1024 so connection bursts are not refused.
    command: (port) => ['smtp-sink', ['-u', 'nobody', '-4', `127.0.0.1:${port}`, '1024']],
  });
}
