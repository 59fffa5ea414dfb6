/** A half-open span of UTC milliseconds [startMs, endMs). */
export interface Span {
  startMs: number;
  endMs: number;
}

/** The spans clipped to [fromMs, toMs), sorted and merged: no two overlap or touch. */
export function unionWithin(spans: ReadonlyArray<Span>, fromMs: number, toMs: number): Span[] {
  const clipped = spans
    .map((s) => ({ startMs: Math.max(s.startMs, fromMs), endMs: Math.min(s.endMs, toMs) }))
    .filter((s) => s.endMs > s.startMs)
    .sort((a, b) => a.startMs - b.startMs);
  const out: Span[] = [];
  for (const s of clipped) {
    const last = out.at(-1);
    if (last && s.startMs <= last.endMs) last.endMs = Math.max(last.endMs, s.endMs);
    else out.push({ ...s });
  }
  return out;
}

/** Milliseconds covered by merged spans. */
export const measure = (merged: ReadonlyArray<Span>): number => merged.reduce((sum, s) => sum + (s.endMs - s.startMs), 0);

/** Milliseconds of [span) that lie outside the merged spans `holes`. */
export function outside(span: Span, holes: ReadonlyArray<Span>): number {
  const covered = holes.reduce((sum, h) => sum + Math.max(0, Math.min(h.endMs, span.endMs) - Math.max(h.startMs, span.startMs)), 0);
  return span.endMs - span.startMs - covered;
}
