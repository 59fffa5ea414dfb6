import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { ExceptionPlace, type LiveEvent } from '../../contracts/messages/supervisor-live.js';
import { WorkOrderWip } from '../../contracts/messages/work-order-wip.js';
import { Token } from '../../contracts/tokens.js';
import { allows, allowsWholeSite, type TokenScopes } from '../scope.js';

/** Every line's work in progress (contracts/messages/work-order-wip.ts) and every site's exceptions (contracts/streams.ts). */
export const WIP_ALL = 'mes.*.*.wip';
export const EXCEPTIONS_ALL = 'ops.*.exception.*';

interface Listener {
  scopes: TokenScopes | null;
  send: (event: LiveEvent) => void;
}

/** Whether a token with `scopes` may see `event`: its line, or, for an exception naming no line, its whole site. */
export function maySee(scopes: TokenScopes | null, event: LiveEvent): boolean {
  if (event.type === 'wip') return allows(scopes, event.wip.site, event.wip.line);
  return event.line === null ? allowsWholeSite(scopes, event.site) : allows(scopes, event.site, event.line);
}

/**
 * The exception notice for a message on `ops.<site>.exception.<stage>`; null when the subject's site is not a token or
 * the body is not JSON (nothing to place it by, so no page is told).
 */
export function exceptionNotice(subject: string, body: () => unknown): Extract<LiveEvent, { type: 'exception' }> | null {
  const [, site, , stage] = subject.split('.');
  if (!Token.safeParse(site).success || !stage) return null;
  let place: ExceptionPlace = {};
  try {
    const parsed = ExceptionPlace.safeParse(body());
    if (parsed.success) place = parsed.data;
  } catch {
    return null;
  }
  return { type: 'exception', site: site!, stage, line: place.line ?? place.hold?.line ?? place.release?.line ?? null };
}

/**
 * One NATS subscription per subject for the whole API process, fanned out to the open live streams, each filtered by
 * its token's places: a line-scoped page never receives another line's events. Subscribes at the first listener,
 * so a process nobody watches reads nothing. A WIP message that does not parse is dropped and counted in `invalid`
 * (the producer parses with the same schema, so it means a producer of another version).
 */
export class LiveHub {
  private readonly listeners = new Set<Listener>();
  private subs: Subscription[] = [];
  invalid = 0;

  constructor(private readonly nc: NatsConnection) {}

  /** Adds a listener; returns the function that removes it. */
  listen(scopes: TokenScopes | null, send: (event: LiveEvent) => void): () => void {
    const l: Listener = { scopes, send };
    this.listeners.add(l);
    if (this.subs.length === 0) this.subscribe();
    return () => this.listeners.delete(l);
  }

  private subscribe(): void {
    this.subs = [
      this.nc.subscribe(WIP_ALL, {
        callback: (err, m) => {
          if (err) return;
          let wip: ReturnType<typeof WorkOrderWip.safeParse>;
          try {
            wip = WorkOrderWip.safeParse(m.json());
          } catch {
            this.invalid++;
            return;
          }
          if (wip.success) this.fanOut({ type: 'wip', wip: wip.data });
          else this.invalid++;
        },
      }),
      this.nc.subscribe(EXCEPTIONS_ALL, {
        callback: (err, m) => {
          if (err) return;
          const notice = exceptionNotice(m.subject, () => m.json());
          if (notice) this.fanOut(notice);
        },
      }),
    ];
  }

  private fanOut(event: LiveEvent): void {
    for (const l of this.listeners) if (maySee(l.scopes, event)) l.send(event);
  }

  /** Unsubscribes from NATS; listeners are the streams' to end. */
  close(): void {
    for (const s of this.subs) s.unsubscribe();
    this.subs = [];
    this.listeners.clear();
  }
}
