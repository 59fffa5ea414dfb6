import type { MachineState } from './messages/machine-event.js';

/**
 * PackML machine states by their `StateCurrent` number, as ISA-TR88.00.02-2015 ("Machine and Unit States: an
 * implementation example of ISA-88.00.01", the PackML state model) and the OMAC PackTags numbering give them; the
 * same numbers are Siemens' OMAC PackML V2022 library constants (simatic-ax/lpmlv2022, STATE_UNDEFINED = 0 ...
 * STATE_COMPLETED = 17). Pure and zod-free: the edge, the plant file's schema and oee/ share it.
 */
export const PACKML_STATES = {
  0: 'Undefined',
  1: 'Clearing',
  2: 'Stopped',
  3: 'Starting',
  4: 'Idle',
  5: 'Suspended',
  6: 'Execute',
  7: 'Stopping',
  8: 'Aborting',
  9: 'Aborted',
  10: 'Holding',
  11: 'Held',
  12: 'Unholding',
  13: 'Suspending',
  14: 'Unsuspending',
  15: 'Resetting',
  16: 'Completing',
  17: 'Complete',
} as const;
export type PackmlStateNumber = keyof typeof PACKML_STATES;

/**
 * The engine's machine state for each PackML state unless the plant file says otherwise (`downtime[].packml`).
 * Only Execute makes product. Aborting/Aborted and Clearing (clearing the abort's cause) are faults; Held and its
 * acting states are stops for an internal cause (ISA-TR88.00.02: a machine condition that needs an operator), so
 * `stopped`; Suspended and its acting states wait for an external cause (starved or blocked by the line), so `idle`,
 * as are Idle, Starting, Resetting, Completing and Complete (no product, nothing wrong). Undefined is `unknown`.
 */
export const DEFAULT_PACKML_MACHINE_STATES: Readonly<Record<PackmlStateNumber, MachineState>> = {
  0: 'unknown',
  1: 'fault',
  2: 'stopped',
  3: 'idle',
  4: 'idle',
  5: 'idle',
  6: 'running',
  7: 'stopped',
  8: 'fault',
  9: 'fault',
  10: 'stopped',
  11: 'stopped',
  12: 'stopped',
  13: 'idle',
  14: 'idle',
  15: 'idle',
  16: 'idle',
  17: 'idle',
};

/**
 * A state tag's value map (`StateTag.map` of contracts/messages/edge-config.ts: raw PLC value as a string -> machine
 * state) for a PLC that reports PackML `StateCurrent`: the defaults above with the plant's overrides (keys "0"-"17").
 */
export function packmlStateMap(overrides: Readonly<Record<string, MachineState>> = {}): Record<string, MachineState> {
  const map: Record<string, MachineState> = {};
  for (const [n, state] of Object.entries(DEFAULT_PACKML_MACHINE_STATES)) map[n] = overrides[n] ?? state;
  return map;
}
