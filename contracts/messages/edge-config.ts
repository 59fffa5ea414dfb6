import { z } from 'zod';
import { CounterKind, MachineState } from './machine-event.js';

/**
 * What the edge gateway needs per machine, kept in the plant model under `machines[].opcua` (optional, so a plant
 * file without OPC UA settings stays valid for the engine). One endpoint per machine; machines sharing an endpoint
 * share one session.
 */

/** OPC UA integer types a PLC counter may have; a counter rolls over after the type's max. */
export const COUNTER_MAX = { UInt16: 0xffff, Int16: 0x7fff, UInt32: 0xffffffff, Int32: 0x7fffffff } as const;
export const CounterDataType = z.enum(['UInt16', 'Int16', 'UInt32', 'Int32']);

const tagBase = {
  /** Our name for the tag; travels as `tag` in every event. */
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, 'must be 1-128 of A-Z, a-z, 0-9, _ . -'),
  /** OPC UA NodeId in its string form, e.g. `ns=2;s=Press1.Good` or `ns=1;i=1001`. */
  nodeId: z.string().regex(/^(ns=\d+;)?[isgb]=.+$/, 'must be an OPC UA NodeId like ns=2;s=Machine.Tag'),
  /** Requested sampling interval; the server may revise it. */
  samplingMs: z.number().int().min(0).max(60_000).default(100),
};

export const CounterTag = z.object({
  ...tagBase,
  kind: z.literal('counter'),
  counter: CounterKind,
  dataType: CounterDataType.default('UInt32'),
  /** Deltas are summed over this window into one event (the edge's main aggregation). */
  windowMs: z.number().int().min(0).max(60_000).default(1_000),
});

export const StateTag = z.object({
  ...tagBase,
  kind: z.literal('state'),
  /** Raw PLC value (as a string: `"1"`, `"true"`, `"RUN"`) to machine state; unmapped values become `unknown`. */
  map: z.record(z.string(), MachineState),
  /** A new state must hold this long before it is published, so a flapping bit is one change. */
  debounceMs: z.number().int().min(0).max(600_000).default(500),
});

export const AnalogTag = z.object({
  ...tagBase,
  kind: z.literal('analog'),
  unit: z.string().max(16).default(''),
  deadband: z
    .object({ type: z.enum(['absolute', 'percent']), value: z.number().nonnegative() })
    .default({ type: 'absolute', value: 0 }),
  /** Ask the server to apply the deadband (DataChangeFilter); the client filters again in any case. */
  serverDeadband: z.boolean().default(true),
  /** Percent deadband needs the variable's range (its EURange): the client filter computes the band from it. */
  range: z.object({ low: z.number(), high: z.number() }).optional(),
  /** At most one event per this interval; the latest value waits and goes out when it ends. */
  minIntervalMs: z.number().int().min(0).max(3_600_000).default(0),
});

export const AlarmTag = z.object({
  ...tagBase,
  kind: z.literal('alarm'),
  /** The alarm code published with raise and clear; the node is the boolean active flag. */
  code: z.string().min(1).max(64),
  text: z.string().max(200).optional(),
});

export const EdgeTag = z.discriminatedUnion('kind', [CounterTag, StateTag, AnalogTag, AlarmTag]);
export type EdgeTag = z.infer<typeof EdgeTag>;
export type CounterTag = z.infer<typeof CounterTag>;
export type StateTag = z.infer<typeof StateTag>;
export type AnalogTag = z.infer<typeof AnalogTag>;
export type AlarmTag = z.infer<typeof AlarmTag>;

export const SecurityMode = z.enum(['None', 'Sign', 'SignAndEncrypt']);
export const SecurityPolicy = z.enum(['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss']);

export const MachineOpcua = z
  .object({
    endpoint: z.string().regex(/^opc\.tcp:\/\/[^\s/]+(:\d+)?(\/.*)?$/, 'must be an opc.tcp:// URL'),
    securityMode: SecurityMode.default('None'),
    securityPolicy: SecurityPolicy.default('None'),
    /**
     * A reference, never the secret: the gateway reads `<ref>_USER` and `<ref>_PASSWORD` from its environment.
     * Absent means anonymous.
     */
    credentialsRef: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'must be an env var prefix like PRESS1_OPCUA').optional(),
    tags: z.array(EdgeTag).min(1),
    /**
     * Warn in the log when this endpoint's PLC clock is off the OPC UA server's by more than this (ms; default
     * 60,000). Only a warning: the gateway's timers never use the PLC clock. The first machine of an endpoint sets it.
     */
    clockSkewWarnMs: z.number().int().positive().optional(),
  })
  .superRefine((m, ctx) => {
    if ((m.securityMode === 'None') !== (m.securityPolicy === 'None'))
      ctx.addIssue({ code: 'custom', path: ['securityPolicy'], message: `securityMode ${m.securityMode} needs ${m.securityMode === 'None' ? 'securityPolicy None' : 'a securityPolicy other than None'}` });
    const seen = new Set<string>();
    m.tags.forEach((t, i) => {
      if (seen.has(t.name)) ctx.addIssue({ code: 'custom', path: ['tags', i, 'name'], message: `duplicate tag name ${t.name}` });
      seen.add(t.name);
      if (t.kind === 'analog' && t.deadband.type === 'percent' && !t.range)
        ctx.addIssue({ code: 'custom', path: ['tags', i, 'range'], message: 'percent deadband needs range (the EURange low/high)' });
      if (t.kind === 'analog' && t.range && t.range.high <= t.range.low)
        ctx.addIssue({ code: 'custom', path: ['tags', i, 'range', 'high'], message: 'must be above range.low' });
    });
  });
export type MachineOpcua = z.infer<typeof MachineOpcua>;
