import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one bridge process (prom-client); `/metrics` serves `registry`. */
export function createBridgeMetrics(registry = new Registry()) {
  return {
    registry,
    eventsIn: new Counter({ name: 'mes_bridge_events_in_total', help: 'Machine events received', registers: [registry] }),
    routed: new Counter({ name: 'mes_bridge_events_routed_total', help: 'New events written to a workflow\'s outbox, by target workflow type', labelNames: ['target'], registers: [registry] }),
    duplicates: new Counter({ name: 'mes_bridge_duplicates_total', help: 'Events dropped because their id was already seen', registers: [registry] }),
    unassigned: new Counter({ name: 'mes_bridge_unassigned_total', help: 'Production events no order could take', labelNames: ['reason'], registers: [registry] }),
    counterHolds: new Counter({ name: 'mes_bridge_counter_holds_total', help: 'Counter holds recorded for a person to accept or reject (counted nothing), by reason', labelNames: ['reason'], registers: [registry] }),
    ignored: new Counter({ name: 'mes_bridge_events_ignored_total', help: 'Events acked without reaching any workflow, by reason (bridge/route.ts IgnoredReason: unknown-machine, no-active-order, not-measured, uncertain, off-shift)', labelNames: ['reason'], registers: [registry] }),
    malformed: new Counter({ name: 'mes_bridge_malformed_total', help: 'Messages terminated as malformed', registers: [registry] }),
    parked: new Counter({ name: 'mes_bridge_parked_total', help: 'Messages parked on ops.<site>.exception.signal-bridge and terminated: the database refused their data, or their line is not their machine\'s', registers: [registry] }),
    redelivered: new Counter({ name: 'mes_bridge_naks_total', help: 'Messages nak-ed for redelivery (PostgreSQL unavailable)', registers: [registry] }),
    roundSeconds: new Histogram({ name: 'mes_bridge_round_db_seconds', help: 'Time of a round\'s database transaction (seen ids, outbox, unassigned)', buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1], registers: [registry] }),
    signals: new Counter({ name: 'mes_bridge_signals_total', help: 'Outbox ranges signalled', labelNames: ['target'], registers: [registry] }),
    rowsPerSignal: new Histogram({ name: 'mes_bridge_outbox_rows_per_signal', help: 'Outbox rows (rounds) summed into one signal', buckets: [1, 2, 5, 10, 25, 50, 100], registers: [registry] }),
    signalSeconds: new Histogram({ name: 'mes_bridge_signal_seconds', help: 'Time for Temporal to accept a signal', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry] }),
    relayRetries: new Counter({ name: 'mes_bridge_relay_retries_total', help: 'Ranges not accepted (Temporal away, workflow busy), retried for that workflow alone', registers: [registry] }),
    rangesAlreadyApplied: new Counter({ name: 'mes_bridge_ranges_already_applied_total', help: 'Ranges found pending for a closed order that its last run had applied (a relay died before deleting them): deleted, not made unassigned', registers: [registry] }),
    consumerRecreated: new Counter({ name: 'mes_bridge_consumer_recreated_total', help: 'Times the durable consumer (or its stream) was found gone and provisioned again, by reason', labelNames: ['reason'], registers: [registry] }),
    lag: new Gauge({ name: 'mes_bridge_consumer_pending', help: 'Messages in the stream not yet delivered to the durable consumer', registers: [registry] }),
  };
}
export type BridgeMetrics = ReturnType<typeof createBridgeMetrics>;
