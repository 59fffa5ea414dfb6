import {
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAClient,
  SecurityPolicy,
  UserTokenType,
  type ClientSession,
  type UserIdentityInfo,
} from 'node-opcua';
import type { Logger } from 'pino';
import type { MachineOpcua } from '../../contracts/messages/edge-config.js';
import { gatewayClock } from '../clock.js';
import { gapBegan, type Liveness } from '../tag-pipeline.js';
import { ClockSkew, DEFAULT_CLOCK_SKEW_WARN_MS } from './clock-skew.js';
import { createSubscription, type MonitoredTag } from './subscription.js';
import { keepSubscribed } from './subscription-watch.js';

export type { MonitoredTag } from './subscription.js';

export interface EndpointOptions {
  opcua: Pick<MachineOpcua, 'endpoint' | 'securityMode' | 'securityPolicy'>;
  credentials?: { user: string; password: string };
  tags: MonitoredTag[];
  /** The subscription's liveness the tags' pipelines read: this endpoint records every gap's start in it. */
  liveness: Liveness;
  /** PKI folder of the gateway's client certificate (made on first start) and of trusted server certificates. */
  certDir: string;
  /** Accept server certificates not yet in `<certDir>/trusted`; for the simulator and tests only. */
  trustUnknownServers: boolean;
  log: Logger;
  onConnectedChange(connected: boolean): void;
  /** False while the session lives but its subscription is dead (no data flows), true once one delivers again. */
  onSubscriptionLive(live: boolean): void;
  /** A counter tag refused at subscription time (its node's DataType is not the configured one); not monitored. */
  onTagRefused(t: MonitoredTag, why: string): void;
  /** A dead subscription was replaced; `reason` says how it died. */
  onSubscriptionRecreated(reason: string): void;
  /** Log a warning when a PLC's source time is off the server time by more than this (ms). */
  clockSkewWarnMs?: number;
}

/**
 * One OPC UA endpoint: one client, one session, one subscription carrying every tag of every machine behind it.
 * node-opcua reconnects with backoff after a lost connection and repairs the session (re-creating the subscription
 * and its items when the server restarted); when even that fails we start over with a fresh client. A subscription
 * that dies while the session lives is re-created by `keepSubscribed` (subscription-watch.ts).
 */
export function startEndpoint(o: EndpointOptions) {
  let stopped = false;
  let client: OPCUAClient | undefined;
  let session: ClientSession | undefined;
  let wakeStop: (() => void) | undefined;
  const log = o.log.child({ endpoint: o.opcua.endpoint });
  const skew = new ClockSkew(o.clockSkewWarnMs ?? DEFAULT_CLOCK_SKEW_WARN_MS, log);
  let keeper: ReturnType<typeof keepSubscribed> | undefined;

  const identity = (): UserIdentityInfo =>
    o.credentials
      ? { type: UserTokenType.UserName, userName: o.credentials.user, password: o.credentials.password }
      : { type: UserTokenType.Anonymous };

  const loop = (async () => {
    let backoff = 500;
    while (!stopped) {
      try {
        const certificateManager = new OPCUACertificateManager({
          rootFolder: o.certDir,
          automaticallyAcceptUnknownCertificate: o.trustUnknownServers,
          disableFileWatchers: true,
        });
        client = OPCUAClient.create({
          applicationName: 'mes-edge-gateway',
          endpointMustExist: false,
          securityMode: MessageSecurityMode[o.opcua.securityMode],
          securityPolicy: SecurityPolicy[o.opcua.securityPolicy],
          clientCertificateManager: certificateManager,
          keepSessionAlive: true,
          requestedSessionTimeout: 60_000,
          // Reconnection after a lost connection: node-opcua retries forever with this backoff.
          connectionStrategy: { initialDelay: 250, maxDelay: 5_000, maxRetry: 1_000_000 },
        });
        client.on('connection_lost', () => {
          gapBegan(o.liveness, keeper?.lastHeardAt() ?? gatewayClock());
          log.warn('OPC UA connection lost; reconnecting');
          o.onConnectedChange(false);
          keeper?.pause();
        });
        client.on('connection_reestablished', () => {
          log.info('OPC UA connection re-established');
          o.onConnectedChange(true);
          keeper?.resume();
        });
        await client.connect(o.opcua.endpoint);
        session = await client.createSession(identity());
        // Connected means a live session: readings start flowing while the items are still being created.
        o.onConnectedChange(true);
        keeper = keepSubscribed({
          session,
          create: (sn: ClientSession) => createSubscription(sn, o.tags, skew, log, o.liveness, o.onTagRefused),
          log,
          onLive: (live) => {
            if (!live) gapBegan(o.liveness, keeper?.lastHeardAt() ?? gatewayClock());
            o.onSubscriptionLive(live);
          },
          onRecreated: o.onSubscriptionRecreated,
        });
        await keeper.start();
        backoff = 500;
        await new Promise<void>((resolve) => {
          wakeStop = resolve;
          session!.on('session_closed', () => resolve());
        });
      } catch (err) {
        if (stopped) break;
        log.warn({ err: (err as Error).message, retryInMs: backoff }, 'OPC UA endpoint not usable yet');
      }
      // The session is gone: no reading proves anything from the last one heard on.
      gapBegan(o.liveness, keeper?.lastHeardAt() ?? gatewayClock());
      keeper?.stop();
      keeper = undefined;
      o.onConnectedChange(false);
      o.onSubscriptionLive(true);
      await session?.close().catch(() => undefined);
      await client?.disconnect().catch(() => undefined);
      session = undefined;
      if (stopped) break;
      await new Promise<void>((r) => {
        wakeStop = r;
        setTimeout(r, backoff);
      });
      backoff = Math.min(backoff * 2, 10_000);
    }
  })();

  return {
    /** The PLC clock's offset from the server's (ms, positive = ahead), from the newest reading; see ClockSkew. */
    clockSkewMs: () => skew.lastMs,
    stop: async () => {
      stopped = true;
      wakeStop?.();
      // A connect still retrying is cut short by disconnect.
      await client?.disconnect().catch(() => undefined);
      await loop;
    },
  };
}
