import { Counter, Gauge, Registry } from 'prom-client';

/**
 * The gateway's health and throughput, as Prometheus metrics on its own registry (so tests can create several
 * gateways in one process). Names follow Prometheus conventions: `_total` for counters.
 */
export function createEdgeMetrics() {
  const registry = new Registry();
  const m = {
    registry,
    changes: new Counter({ name: 'mes_edge_changes_total', help: 'Data change notifications received from OPC UA', labelNames: ['kind'] as const, registers: [registry] }),
    eventsIn: new Counter({ name: 'mes_edge_events_total', help: 'Machine events produced by the edge filters', labelNames: ['kind'] as const, registers: [registry] }),
    published: new Counter({ name: 'mes_edge_events_published_total', help: 'Events stored by JetStream (first time)', registers: [registry] }),
    duplicates: new Counter({ name: 'mes_edge_events_duplicate_total', help: 'Events JetStream already had (republish after a failure)', registers: [registry] }),
    dropped: new Counter({ name: 'mes_edge_dropped_total', help: 'Readings or events not published, by reason', labelNames: ['reason'] as const, registers: [registry] }),
    publishErrors: new Counter({ name: 'mes_edge_publish_errors_total', help: 'Failed JetStream publish windows (retried)', registers: [registry] }),
    bufferDepth: new Gauge({ name: 'mes_edge_buffer_events', help: 'Events in the store-and-forward buffer', registers: [registry] }),
    endpointsConnected: new Gauge({ name: 'mes_edge_endpoints_connected', help: 'OPC UA endpoints with a live session', registers: [registry] }),
    endpointsConfigured: new Gauge({ name: 'mes_edge_endpoints_configured', help: 'OPC UA endpoints in the plant model', registers: [registry] }),
    subscriptionsStalled: new Gauge({ name: 'mes_edge_subscriptions_stalled', help: 'OPC UA endpoints whose session lives but whose subscription died (no data flows until it is re-created)', registers: [registry] }),
    subscriptionsRecreated: new Counter({ name: 'mes_edge_subscriptions_recreated_total', help: 'Dead OPC UA subscriptions replaced by a new one', labelNames: ['endpoint'] as const, registers: [registry] }),
    clockSkew: new Gauge({ name: 'mes_edge_clock_skew_seconds', help: 'PLC source time minus OPC UA server time of the newest reading (positive: PLC ahead)', labelNames: ['endpoint'] as const, registers: [registry] }),
    counterHolds: new Counter({ name: 'mes_edge_counter_holds_total', help: 'Counter readings held instead of counted (a hold event each), by reason', labelNames: ['reason'] as const, registers: [registry] }),
    counterSuspectDrops: new Counter({ name: 'mes_edge_counter_suspect_drops_total', help: 'Counter decreases held as suspect until the next reading (or the confirm time) decided them', registers: [registry] }),
    counterDecisions: new Counter({ name: 'mes_edge_counter_drop_decisions_total', help: 'Suspect counter drops decided, by outcome (glitch, rollover, reset, hold)', labelNames: ['step'] as const, registers: [registry] }),
    journalFsyncSeconds: new Counter({ name: 'mes_edge_journal_fsync_seconds_total', help: 'Time a store-and-forward journal fsync was running (per-tick syncs run on the libuv thread pool, not the event loop)', registers: [registry] }),
    natsUp: new Gauge({ name: 'mes_edge_nats_up', help: '1 when the last JetStream publish succeeded', registers: [registry] }),
  };
  return m;
}
export type EdgeMetrics = ReturnType<typeof createEdgeMetrics>;

/** Sum of a counter over all its labels, for health output and tests. */
export async function total(c: Counter<string>): Promise<number> {
  return (await c.get()).values.reduce((n, v) => n + v.value, 0);
}
