import type { NatsConnection } from '@nats-io/transport-node';
import type { PublishWip } from '../../activities/read-model.js';
import { wipSubject } from '../../contracts/messages/work-order-wip.js';

/**
 * Live WIP on core NATS (`mes.<site>.<line>.wip`, contracts/messages/work-order-wip.ts): fire and forget, buffered
 * by the client while it reconnects. Throws when the connection is closed; the activity logs that and goes on.
 */
export const natsWipPublisher = (nc: NatsConnection): PublishWip => (wip) => {
  nc.publish(wipSubject(wip.site, wip.line), JSON.stringify(wip));
};
