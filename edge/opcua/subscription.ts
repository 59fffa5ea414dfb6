import {
  AttributeIds,
  ClientMonitoredItemGroup,
  DataType,
  ClientSubscription,
  DataChangeFilter,
  DataChangeTrigger,
  DeadbandType,
  TimestampsToReturn,
  type ClientSession,
  type DataValue,
  type Variant,
} from 'node-opcua';
import type { Logger } from 'pino';
import type { EdgeTag } from '../../contracts/messages/edge-config.js';
import { gatewayClock } from '../clock.js';
import type { Reading } from '../tag-pipeline.js';
import type { ClockSkew } from './clock-skew.js';

export interface MonitoredTag {
  tag: EdgeTag;
  /** Where readings of this tag go (the tag's pipeline, through the gateway). */
  onReading(r: Reading): void;
  label: string;
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

const TWO_32 = 0x1_0000_0000;

/**
 * A Variant's value as a plain JavaScript value. node-opcua carries Int64 and UInt64 as `[high, low]` 32-bit words
 * (high two's complement for Int64; Part 6, 5.2.2.2); they become numbers, exact up to 2^53 (beyond, the counter's
 * range check refuses them). Float and Double already arrive as numbers.
 */
export function plainValue(v: Variant | undefined): unknown {
  const value: unknown = v?.value;
  if (!Array.isArray(value) || (v!.dataType !== DataType.Int64 && v!.dataType !== DataType.UInt64) || value.length !== 2) return value;
  const [high, low] = value as [number, number];
  // Negative Int64: -(two's complement) computed on the words, so a small negative stays exact.
  if (v!.dataType === DataType.Int64 && high >= 0x8000_0000) return -((0xffff_ffff - high) * TWO_32 + (TWO_32 - low));
  return high * TWO_32 + low;
}

function toReading(dv: DataValue, skew: ClockSkew): Reading {
  const serverTime = dv.serverTimestamp?.getTime();
  const source = dv.sourceTimestamp?.getTime();
  skew.observe(source, serverTime);
  const receivedAt = gatewayClock();
  return {
    value: plainValue(dv.value),
    statusCode: dv.statusCode.value,
    // The name is only read when a reading is dropped; looking it up for every Good one was a hot spot.
    statusText: dv.statusCode.value === 0 ? 'Good' : dv.statusCode.name,
    sourceTime: source ?? serverTime ?? Date.now(),
    serverTime,
    receivedAt,
  };
}

/**
 * Creates one subscription on `s` carrying every tag as a monitored item, and resolves once the items exist.
 * Throws when the server refuses the subscription or a CreateMonitoredItems call (the caller retries).
 * Keep-alive: the server answers a Publish after at most `maxKeepAliveCount` publishing intervals even without
 * data (Part 4, 5.13.1), which is what the gateway's watchdog waits for.
 */
export async function createSubscription(s: ClientSession, tags: MonitoredTag[], skew: ClockSkew, log: Logger): Promise<ClientSubscription> {
  const limit = Number((await s.read({ nodeId: MAX_MONITORED_ITEMS_PER_CALL, attributeId: AttributeIds.Value })).value?.value ?? 0);
  const chunk = limit > 0 ? limit : 1_000;
  const fastest = Math.max(20, Math.min(...tags.map((t) => t.tag.samplingMs)));
  const subscription = ClientSubscription.create(s, {
    requestedPublishingInterval: fastest,
    requestedLifetimeCount: 600,
    requestedMaxKeepAliveCount: 20,
    maxNotificationsPerPublish: 0,
    publishingEnabled: true,
    priority: 10,
  });
  const groups = new Map<string, MonitoredTag[]>();
  for (const t of tags) {
    const key = JSON.stringify(monitoringParameters(t.tag, true));
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(t);
  }
  const fallback: MonitoredTag[] = [];
  const monitor = async (part0: MonitoredTag[], withFilter: boolean) => {
    for (let i = 0; i < part0.length; i += chunk) {
      const part = part0.slice(i, i + chunk);
      const group = ClientMonitoredItemGroup.create(
        subscription,
        part.map((t) => ({ nodeId: t.tag.nodeId, attributeId: AttributeIds.Value })),
        monitoringParameters(part[0]!.tag, withFilter),
        TimestampsToReturn.Both,
      );
      group.on('changed', (_item, dv, index) => part[index]?.onReading(toReading(dv, skew)));
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
  try {
    for (const g of groups.values()) await monitor(g, true);
    if (fallback.length > 0) {
      log.warn({ tags: fallback.map((t) => t.label) }, 'server refused the deadband filter; filtering on the client only');
      await monitor(fallback, false);
    }
  } catch (err) {
    await subscription.terminate().catch(() => undefined);
    throw err;
  }
  log.info({ tags: tags.length, maxPerCall: limit, subscriptionId: subscription.subscriptionId, revisedPublishingMs: subscription.publishingInterval }, 'subscribed');
  return subscription;
}
