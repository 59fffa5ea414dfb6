import type { JetStreamManager } from '@nats-io/jetstream';
import { MES_EVENTS } from '../contracts/streams.js';
import { ensureStream } from '../jetstream/ensure-stream.js';

/**
 * The machine-event stream, created or updated by the gateway at start (the bridge does the same from the same
 * definition). The journal resends unacknowledged batches after a restart and the stream drops what it has by msgID
 * within the duplicate window; past it, consumers still drop repeated event ids.
 */
export async function provisionMachineEventStream(jsm: JetStreamManager): Promise<void> {
  await ensureStream(jsm, MES_EVENTS);
}
