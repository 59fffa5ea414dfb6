import type { NatsConnection } from '@nats-io/transport-node';
import type { PublishJson } from '../../activities/quality-events.js';
import type { PublishWip } from '../../activities/read-model.js';
import { wipSubject } from '../../contracts/messages/work-order-wip.js';
import { connectNats, type NatsSettings } from './nats.js';

/**
 * Live WIP on core NATS (`mes.<site>.<line>.wip`, contracts/messages/work-order-wip.ts): fire and forget, buffered
 * by the client while it reconnects. Throws when the connection is closed; the activity logs that and goes on.
 */
export const natsWipPublisher = (nc: NatsConnection): PublishWip => (wip) => {
  nc.publish(wipSubject(wip.site, wip.line), JSON.stringify(wip));
};

/** Any JSON message on core NATS (quality alerts, run-rule warnings: activities/quality-events.ts); fire and forget. */
export const natsJsonPublisher = (nc: NatsConnection): PublishJson => (subject, payload) => {
  nc.publish(subject, JSON.stringify(payload));
};

/**
 * The Temporal worker's own NATS connection, for live WIP only: the worker starts and posts to the ERP whether NATS
 * is up or not (dashboards are not worth holding orders for), so it connects in the background, waiting for a first
 * connection as long as it takes. Until then a WIP message is refused (the activity logs it and goes on).
 */
export function backgroundWipPublisher(settings: NatsSettings, name: string, onError: (err: unknown) => void): { publish: PublishWip; publishJson: PublishJson; close(): Promise<void> } {
  let nc: NatsConnection | undefined;
  connectNats(settings, name, { waitOnFirstConnect: true }).then((c) => (nc = c), onError);
  return {
    publish: (wip) => {
      if (!nc) throw new Error('NATS not connected yet');
      return natsWipPublisher(nc)(wip);
    },
    publishJson: (subject, payload) => {
      if (!nc) throw new Error('NATS not connected yet');
      return natsJsonPublisher(nc)(subject, payload);
    },
    close: async () => {
      await nc?.drain();
    },
  };
}
