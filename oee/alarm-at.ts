/** An alarm of a machine raised (`active`) or cleared, at its source time (UTC ms). */
export interface AlarmChange {
  machine: string;
  atMs: number;
  code: string;
  active: boolean;
}

/**
 * The alarm that explains a stop of `machine` beginning at `atMs`: of the alarms that `isMapped` accepts and that were
 * active at `atMs` or raised within `graceMs` after it, the one raised first (the first-out alarm: the first of a
 * cascade is the cause, the others its consequences, as first-out annunciators report it, ISA-18.1). An alarm
 * cleared at or before `atMs` explains nothing. Ties go to the smaller code, so the answer is deterministic.
 * @returns the alarm code, or undefined when no mapped alarm qualifies.
 */
export function alarmAt(alarms: ReadonlyArray<AlarmChange>, machine: string, atMs: number, graceMs: number, isMapped: (code: string) => boolean): string | undefined {
  const raisedAt = new Map<string, number>();
  const candidates = new Map<string, number>();
  const own = alarms.filter((a) => a.machine === machine && a.atMs <= atMs + graceMs && isMapped(a.code)).sort((a, b) => a.atMs - b.atMs);
  for (const a of own) {
    if (a.active) {
      if (!raisedAt.has(a.code)) raisedAt.set(a.code, a.atMs);
      if (a.atMs > atMs && !candidates.has(a.code)) candidates.set(a.code, raisedAt.get(a.code)!);
    } else if (a.atMs <= atMs) raisedAt.delete(a.code);
  }
  // Still active at the stop's start.
  for (const [code, t] of raisedAt) if (t <= atMs && !candidates.has(code)) candidates.set(code, t);
  let best: [string, number] | undefined;
  for (const [code, t] of candidates) if (!best || t < best[1] || (t === best[1] && code < best[0])) best = [code, t];
  return best?.[0];
}
