/**
 * Every JetStream stream and durable consumer of the engine, named and defined once. One function provisions them
 * all (jetstream/provision.ts), called by every process at start: they must agree, or each start would flip the
 * others' settings.
 */
export interface StreamDefinition {
  name: string;
  subjects: string[];
  maxAgeDays: number;
  /** msgID dedupe window: a republish inside it is dropped by the stream itself. */
  duplicateWindowMinutes: number;
}

/**
 * Where the engine's streams keep their copies: settings of the deployment, not of a stream, so every stream and its
 * durables take the same. An unset field leaves an existing stream as it is (a process started without the setting
 * must not scale a clustered stream down) and takes the server's default on creation (one replica, any server).
 */
export interface StreamLayout {
  /** Copies of each message on distinct servers: 1 on a single server, 3 on a three-node cluster (JetStream allows 1-5). */
  replicas?: number;
  /** Servers a stream may be placed on: each must carry every tag (nats-server `server_tags`). */
  placementTags?: readonly string[];
}

/** JetStream's largest replica count (nats-server refuses more than 5). */
export const MAX_STREAM_REPLICAS = 5;

export interface DurableDefinition {
  stream: string;
  /** The durable's name is the consuming process's name. */
  name: string;
  /** The bound on messages in flight across every process sharing the durable. */
  maxAckPending: number;
}

/** Machine events from the edge gateways: `mes.<site>.<line>.<machine>.<kind>` (contracts/messages/machine-event.ts). */
export const MES_EVENTS_STREAM = 'MES_EVENTS';
export const MACHINE_EVENT_SUBJECTS = 'mes.*.*.*.*';
/** Order releases from the ERP: `erp.<site>.order.released` (contracts/names.ts builds the subject). */
export const ERP_EVENTS_STREAM = 'ERP_EVENTS';
export const ERP_RELEASE_SUBJECTS = 'erp.*.order.released';
/** Why a consumed message was not applied, per site and stage: `ops.<site>.exception.<stage>`. */
export const OPS_EXCEPTIONS_STREAM = 'OPS_EXCEPTIONS';
export const exceptionSubject = (site: string, stage: string) => `ops.${site}.exception.${stage}`;
/** The stage of a work order's SPC run-rule warnings (contracts/messages/inspection.ts `RunRuleWarning`). */
export const RUN_RULE_WARNING_STAGE = 'run-rule-warning';
/**
 * A line's quality alerts (automatic holds, contracts/messages/inspection.ts `QualityAlert`) on core NATS, like the
 * live WIP: four tokens, so MES_EVENTS (`mes.*.*.*.*`) never captures them.
 */
export const qualityAlertSubject = (site: string, line: string) => `mes.${site}.${line}.alerts`;

export const MES_EVENTS: StreamDefinition = { name: MES_EVENTS_STREAM, subjects: [MACHINE_EVENT_SUBJECTS], maxAgeDays: 7, duplicateWindowMinutes: 10 };
export const ERP_EVENTS: StreamDefinition = { name: ERP_EVENTS_STREAM, subjects: [ERP_RELEASE_SUBJECTS], maxAgeDays: 30, duplicateWindowMinutes: 10 };
export const OPS_EXCEPTIONS: StreamDefinition = { name: OPS_EXCEPTIONS_STREAM, subjects: ['ops.*.exception.*'], maxAgeDays: 30, duplicateWindowMinutes: 10 };
export const STREAMS: readonly StreamDefinition[] = [ERP_EVENTS, OPS_EXCEPTIONS, MES_EVENTS];

export const ERP_LISTENER_DURABLE = 'erp-listener';
export const SIGNAL_BRIDGE_DURABLE = 'signal-bridge';
// 64 messages of at most 500 events: a round (one PostgreSQL transaction of at most 32,000 event ids) is committed
// well within ack_wait. Redeliveries are deduplicated by the bridge's seen-id table (bridge/seen-retention.ts).
export const SIGNAL_BRIDGE_MAX_ACK_PENDING = 64;
/** The exception inbox's durable on OPS_EXCEPTIONS (services/exceptions/inbox.ts). */
export const EXCEPTION_INBOX_DURABLE = 'exception-inbox';
export const DURABLES: readonly DurableDefinition[] = [
  { stream: ERP_EVENTS_STREAM, name: ERP_LISTENER_DURABLE, maxAckPending: 256 },
  { stream: MES_EVENTS_STREAM, name: SIGNAL_BRIDGE_DURABLE, maxAckPending: SIGNAL_BRIDGE_MAX_ACK_PENDING },
  { stream: OPS_EXCEPTIONS_STREAM, name: EXCEPTION_INBOX_DURABLE, maxAckPending: 64 },
];
