import { connect, type NatsConnection } from '@nats-io/transport-node';

export interface NatsSettings {
  url: string;
  user?: string;
  password?: string;
}

/**
 * Connects with credentials and keeps reconnecting forever: a plant network blips, the process must not die.
 * `waitOnFirstConnect`: keep trying the first connection too, instead of failing when the server is not up yet.
 */
export function connectNats(s: NatsSettings, name: string, more: { waitOnFirstConnect?: boolean } = {}): Promise<NatsConnection> {
  return connect({ servers: s.url, user: s.user, pass: s.password, name, maxReconnectAttempts: -1, reconnectTimeWait: 1_000, ...more });
}
