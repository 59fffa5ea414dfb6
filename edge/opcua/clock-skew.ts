import type { Logger } from 'pino';

/** Default `clockSkewWarnMs`: a PLC clock more than a minute off the server's is logged. */
export const DEFAULT_CLOCK_SKEW_WARN_MS = 60_000;

/**
 * How far a PLC's clock is off: each DataValue's SourceTimestamp (stamped by the device) minus its
 * ServerTimestamp (stamped by the OPC UA server when it took the value; Part 4, 7.7 DataValue), in ms, positive when
 * the PLC is ahead. Only measured, never corrected: source time stays the event's business time, and the gateway's
 * timers do not use it. One per endpoint; `observe` is on the hot path (a subtraction and a compare).
 */
export class ClockSkew {
  /** Skew of the newest DataValue that had both timestamps (ms); undefined before the first. */
  lastMs: number | undefined;
  private warned = false;

  constructor(
    private readonly warnMs: number,
    private readonly log: Logger,
  ) {}

  observe(sourceTime: number | undefined, serverTime: number | undefined): void {
    if (sourceTime === undefined || serverTime === undefined) return;
    const skew = sourceTime - serverTime;
    this.lastMs = skew;
    const past = Math.abs(skew) > this.warnMs;
    if (past === this.warned) return;
    this.warned = past;
    if (past) this.log.warn({ skewMs: skew, warnMs: this.warnMs }, 'PLC clock is off the OPC UA server clock; timers use the gateway clock, events keep the PLC time');
    else this.log.info({ skewMs: skew }, 'PLC clock back within the skew threshold');
  }
}
