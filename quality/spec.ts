/** Where a value lies against a characteristic's specification limits (inclusive: a value on a limit is in spec). */
export type SpecVerdict = 'in-spec' | 'below' | 'above';

/** Compares a measured value with its lower and upper specification limits, in the characteristic's unit. */
export function specVerdict(value: number, limits: { lowerLimit: number; upperLimit: number }): SpecVerdict {
  if (value < limits.lowerLimit) return 'below';
  if (value > limits.upperLimit) return 'above';
  return 'in-spec';
}
