import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { StreamLayout } from '../../contracts/streams.js';
import type { NatsServer } from '../../stack/nats.js';

export interface NatsSettings {
  /** One server's URL, or every server of a cluster comma-separated (`nats://127.0.0.1:4222,nats://127.0.0.1:4223`). */
  url: string;
  user?: string;
  password?: string;
  /** The streams' replicas and placement, for `provisionStreams`; unset fields leave existing streams as they are. */
  streams?: StreamLayout;
}

/** The URLs of a comma-separated NATS_URL, blanks dropped. */
export const natsServers = (url: string): string[] =>
  url
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '');

/**
 * Connects with credentials to any of the servers and keeps reconnecting forever: a plant network blips, the process
 * must not die. With several servers the client moves to another when its server goes (nats.js tries them in random
 * order, and adds the ones the cluster announces). `waitOnFirstConnect`: keep trying the first connection too,
 * instead of failing when the server is not up yet.
 */
export function connectNats(s: NatsSettings, name: string, more: { waitOnFirstConnect?: boolean } = {}): Promise<NatsConnection> {
  return connect({ servers: natsServers(s.url), user: s.user, pass: s.password, name, maxReconnectAttempts: -1, reconnectTimeWait: 1_000, ...more });
}

/** How the engine's processes reach a server set the stack started: every URL, its credentials, and its stream layout. */
export const natsSettingsOf = (nats: NatsServer): NatsSettings => ({
  url: nats.url,
  user: nats.user,
  password: nats.password,
  streams: { replicas: nats.replicas },
});
