import type { MachineEvent } from './machine-event.js';

/** Input of a shift workflow; the bridge builds it from the shift calendar when it signal-with-starts the shift. */
export interface ShiftInput {
  site: string;
  line: string;
  date: string;
  shiftCode: string;
  startsAt: string;
  endsAt: string;
}

/** Machine events of one line and shift, as the bridge signals them (chunks of at most 500). */
export interface ShiftEventBatch {
  v: 1;
  events: MachineEvent[];
}
