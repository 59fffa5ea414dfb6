import { randomBytes } from 'node:crypto';
import type { Actor } from '../auth.js';

/** How long a ticket may wait for its EventSource: the page asks for one right before it connects. */
export const TICKET_TTL_MS = 30_000;

/**
 * Short-lived, single-use tickets for the live stream. A browser's EventSource cannot send an Authorization header,
 * and a bearer token in a URL ends up in access logs and browser history; a ticket in the URL is worth nothing once
 * used or after `TICKET_TTL_MS`. Kept in this process's memory: the stream is served by the process that issued the
 * ticket (behind several API processes, the balancer must keep a page on one of them: docs/supervisor-page.md).
 */
export class TicketStore {
  private readonly tickets = new Map<string, { actor: Actor; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new ticket for `actor`: 32 random bytes, base64url; `expiresAt` in ms since the epoch. */
  issue(actor: Actor): { ticket: string; expiresAt: number } {
    this.sweep();
    const ticket = randomBytes(32).toString('base64url');
    const expiresAt = this.now() + TICKET_TTL_MS;
    this.tickets.set(ticket, { actor, expiresAt });
    return { ticket, expiresAt };
  }

  /** The actor of a valid ticket, which is used up; null when unknown, used or expired. */
  redeem(ticket: string): Actor | null {
    const hit = this.tickets.get(ticket);
    this.tickets.delete(ticket);
    return hit && hit.expiresAt > this.now() ? hit.actor : null;
  }

  /** Drops expired tickets, so tickets never redeemed do not pile up. */
  private sweep(): void {
    const now = this.now();
    for (const [t, v] of this.tickets) if (v.expiresAt <= now) this.tickets.delete(t);
  }
}
