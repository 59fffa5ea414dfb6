import { EdgeTag } from '../../contracts/messages/edge-config.js';
import { TagPipeline, type Liveness, type Outcome } from '../../edge/tag-pipeline.js';

export const replayRef = { site: 'plant1', line: 'line-1', machine: 'press-1' };
const EPOCH = Date.UTC(2026, 10, 30, 6, 0, 0);

/** A counter tag `good` with `extra` fields over the defaults. */
export const counterTag = (extra: Record<string, unknown>) =>
  EdgeTag.parse({ name: 'good', nodeId: 'ns=1;s=G', kind: 'counter', counter: 'good', ...extra });

export interface ReplayResult {
  counted: number;
  holds: Array<{ reason: string; delta: number; raw: number; explanations?: Array<{ kind: string; pieces: number }> }>;
  /** Raws the pipeline asked the journal to commit without an event (0-piece resets). */
  commits: number[];
}

/**
 * Replays counter readings through a TagPipeline the way the gateway does (the reviewer's probe of issue 11):
 * `readings` are `[value, gatewayMs]`, each delivered when a 50 ms tick reaches it; the pipeline ticks every 50 ms
 * until `untilMs`, then its open window is flushed. `liveness`: the subscription's record, live from the start
 * unless the test opens a gap (`gaps`: `[startMs, reportedAtMs]`, the gap's start recorded at the report time).
 */
export function replay(
  tagExtra: Record<string, unknown>,
  cycleS: number,
  readings: Array<[number, number]>,
  untilMs: number,
  o: {
    committed?: { raw: number; at: number; wallMs: number };
    liveness?: Liveness | false;
    gaps?: Array<[number, number]>;
    /** Keep each hold's explanations (what a person chooses from). */
    explain?: boolean;
  } = {},
): ReplayResult {
  const liveness = o.liveness === false ? undefined : (o.liveness ?? { gapStart: Number.NEGATIVE_INFINITY, intervalMs: 150 });
  const p = new TagPipeline(replayRef, counterTag(tagExtra), { idealCycleTimeS: cycleS, committed: o.committed, liveness });
  const outs: Outcome[] = [];
  const gaps = [...(o.gaps ?? [])];
  let next = 0;
  for (let now = 0; now <= untilMs; now += 50) {
    while (gaps.length > 0 && gaps[0]![1] <= now) if (liveness) liveness.gapStart = gaps.shift()![0];
    while (next < readings.length && readings[next]![1] <= now) {
      const [value, at] = readings[next++]!;
      outs.push(p.offer({ value, statusCode: 0, statusText: 'Good', sourceTime: EPOCH + at, receivedAt: at }));
    }
    outs.push(p.tick(now));
  }
  outs.push(p.flushCounter());
  const r: ReplayResult = { counted: 0, holds: [], commits: [] };
  for (const out of outs) {
    if (out?.type === 'commit') r.commits.push(out.raw);
    const events = out?.type === 'event' ? [out.event] : out?.type === 'events' ? out.events : [];
    for (const e of events) {
      if (e.kind === 'counter') r.counted += e.delta;
      if (e.kind === 'hold')
        r.holds.push({ reason: e.reason, delta: e.delta, raw: e.raw, ...(o.explain && e.explanations ? { explanations: e.explanations } : {}) });
    }
  }
  return r;
}
