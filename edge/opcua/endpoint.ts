import {
  AttributeIds,
  ClientMonitoredItemGroup,
  ClientSubscription,
  DataChangeFilter,
  DataChangeTrigger,
  DeadbandType,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAClient,
  SecurityPolicy,
  TimestampsToReturn,
  UserTokenType,
  type ClientSession,
  type DataValue,
  type UserIdentityInfo,
} from 'node-opcua';
import type { Logger } from 'pino';
import type { EdgeTag, MachineOpcua } from '../../contracts/messages/edge-config.js';
import type { Reading } from '../tag-pipeline.js';

export interface MonitoredTag {
  tag: EdgeTag;
  /** Where readings of this tag go (the tag's pipeline, through the gateway). */
  onReading(r: Reading): void;
  label: string;
}

export interface EndpointOptions {
  opcua: Pick<MachineOpcua, 'endpoint' | 'securityMode' | 'securityPolicy'>;
  credentials?: { user: string; password: string };
  tags: MonitoredTag[];
  /** PKI folder of the gateway's client certificate (made on first start) and of trusted server certificates. */
  certDir: string;
  /** Accept server certificates not yet in `<certDir>/trusted`; for the simulator and tests only. */
  trustUnknownServers: boolean;
  log: Logger;
  onConnectedChange(connected: boolean): void;
}

/** The server's own limit on monitored items per CreateMonitoredItems call; 0 means none. */
const MAX_MONITORED_ITEMS_PER_CALL = 'ns=0;i=11714';

/** Items sharing sampling, queue and filter go in one CreateMonitoredItems call (one group). */
function monitoringParameters(tag: EdgeTag, withServerFilter: boolean) {
  const filter =
    withServerFilter && tag.kind === 'analog' && tag.serverDeadband && tag.deadband.value > 0
      ? new DataChangeFilter({
          trigger: DataChangeTrigger.StatusValue,
          deadbandType: tag.deadband.type === 'percent' ? DeadbandType.Percent : DeadbandType.Absolute,
          deadbandValue: tag.deadband.value,
        })
      : null;
  // Counters only need the newest value (deltas come from first and last); states keep every flap for debounce.
  const queueSize = tag.kind === 'counter' ? 1 : tag.kind === 'analog' ? 2 : 20;
  return { samplingInterval: tag.samplingMs, discardOldest: true, queueSize, filter };
}

function toReading(dv: DataValue): Reading {
  const serverTime = dv.serverTimestamp?.getTime();
  return {
    value: dv.value?.value,
    statusCode: dv.statusCode.value,
    // The name is only read when a reading is dropped; looking it up for every Good one was a hot spot.
    statusText: dv.statusCode.value === 0 ? 'Good' : dv.statusCode.name,
    sourceTime: dv.sourceTimestamp?.getTime() ?? serverTime ?? Date.now(),
    serverTime,
  };
}

/**
 * One OPC UA endpoint: one client, one session, one subscription carrying every tag of every machine behind it.
 * node-opcua reconnects with backoff after a lost connection and repairs the session (re-creating the subscription
 * and its items when the server restarted); when even that fails we start over with a fresh client.
 */
export function startEndpoint(o: EndpointOptions) {
  let stopped = false;
  let client: OPCUAClient | undefined;
  let session: ClientSession | undefined;
  let wakeStop: (() => void) | undefined;
  const log = o.log.child({ endpoint: o.opcua.endpoint });

  const identity = (): UserIdentityInfo =>
    o.credentials
      ? { type: UserTokenType.UserName, userName: o.credentials.user, password: o.credentials.password }
      : { type: UserTokenType.Anonymous };

  async function subscribe(s: ClientSession): Promise<void> {
    const limit = Number((await s.read({ nodeId: MAX_MONITORED_ITEMS_PER_CALL, attributeId: AttributeIds.Value })).value?.value ?? 0);
    const chunk = limit > 0 ? limit : 1_000;
    const fastest = Math.max(20, Math.min(...o.tags.map((t) => t.tag.samplingMs)));
    const subscription = ClientSubscription.create(s, {
      requestedPublishingInterval: fastest,
      requestedLifetimeCount: 600,
      requestedMaxKeepAliveCount: 20,
      maxNotificationsPerPublish: 0,
      publishingEnabled: true,
      priority: 10,
    });
    const groups = new Map<string, MonitoredTag[]>();
    for (const t of o.tags) {
      const key = JSON.stringify(monitoringParameters(t.tag, true));
      let g = groups.get(key);
      if (!g) groups.set(key, (g = []));
      g.push(t);
    }
    const fallback: MonitoredTag[] = [];
    const monitor = async (tags: MonitoredTag[], withFilter: boolean) => {
      for (let i = 0; i < tags.length; i += chunk) {
        const part = tags.slice(i, i + chunk);
        const group = ClientMonitoredItemGroup.create(
          subscription,
          part.map((t) => ({ nodeId: t.tag.nodeId, attributeId: AttributeIds.Value })),
          monitoringParameters(part[0]!.tag, withFilter),
          TimestampsToReturn.Both,
        );
        group.on('changed', (_item, dv, index) => part[index]?.onReading(toReading(dv)));
        // create() returns at once; the CreateMonitoredItems call completes later, and only then are the items'
        // status codes theirs (before, every item reads BadDataUnavailable).
        await new Promise<void>((resolve, reject) => {
          group.once('initialized', resolve);
          group.once('err', (message) => reject(new Error(`CreateMonitoredItems failed: ${message}`)));
        });
        group.monitoredItems.forEach((item, j) => {
          const t = part[j]!;
          if (item.statusCode.isGood()) return;
          const filterRefused = withFilter && t.tag.kind === 'analog' && /Filter/i.test(item.statusCode.name);
          if (filterRefused) fallback.push(t);
          else log.error({ tag: t.label, nodeId: t.tag.nodeId, status: item.statusCode.name }, 'tag cannot be monitored; it will publish nothing');
        });
      }
    };
    for (const tags of groups.values()) await monitor(tags, true);
    if (fallback.length > 0) {
      log.warn({ tags: fallback.map((t) => t.label) }, 'server refused the deadband filter; filtering on the client only');
      await monitor(fallback, false);
    }
    log.info({ tags: o.tags.length, maxPerCall: limit, revisedPublishingMs: subscription.publishingInterval }, 'subscribed');
  }

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
          log.warn('OPC UA connection lost; reconnecting');
          o.onConnectedChange(false);
        });
        client.on('connection_reestablished', () => {
          log.info('OPC UA connection re-established');
          o.onConnectedChange(true);
        });
        await client.connect(o.opcua.endpoint);
        session = await client.createSession(identity());
        // Connected means a live session: readings start flowing while the items are still being created.
        o.onConnectedChange(true);
        await subscribe(session);
        backoff = 500;
        await new Promise<void>((resolve) => {
          wakeStop = resolve;
          session!.on('session_closed', () => resolve());
        });
      } catch (err) {
        if (stopped) break;
        log.warn({ err: (err as Error).message, retryInMs: backoff }, 'OPC UA endpoint not usable yet');
      }
      o.onConnectedChange(false);
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
    stop: async () => {
      stopped = true;
      wakeStop?.();
      // A connect still retrying is cut short by disconnect.
      await client?.disconnect().catch(() => undefined);
      await loop;
    },
  };
}
