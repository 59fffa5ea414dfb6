import { performance } from 'node:perf_hooks';

/**
 * The gateway's own clock for every timer (debounce, minimum intervals, counter windows, subscription watchdog):
 * monotonic milliseconds since the process started. It never jumps with NTP or a PLC's clock; it is not a wall
 * time and is never published (events carry the PLC's source time).
 */
export const gatewayClock = (): number => performance.now();
