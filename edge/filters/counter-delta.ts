/**
 * Turns absolute PLC counter readings into pieces since the previous reading. The previous raw value is the only
 * state, and the gateway keeps it in its journal, so a gateway restart continues where it stopped.
 *
 * A value below the previous one is either a rollover (the counter passed its data type's max and wrapped to 0) or
 * a reset (an operator or a PLC restart set it to 0). We call it a rollover only when the previous value sat in the
 * top tenth of the range and the new one in the bottom tenth: real counters near the max wrap, a reset mid-range
 * does not. A reset counts the new value as pieces made since the reset.
 */
export type CounterStep = 'baseline' | 'increase' | 'same' | 'rollover' | 'reset';

export interface CounterReading {
  delta: number;
  step: CounterStep;
}

export function counterDelta(previous: number | undefined, raw: number, max: number): CounterReading {
  if (previous === undefined) return { delta: 0, step: 'baseline' };
  if (raw === previous) return { delta: 0, step: 'same' };
  if (raw > previous) return { delta: raw - previous, step: 'increase' };
  const tenth = max / 10;
  if (previous >= max - tenth && raw <= tenth) return { delta: max - previous + raw + 1, step: 'rollover' };
  return { delta: raw, step: 'reset' };
}
