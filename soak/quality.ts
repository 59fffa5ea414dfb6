import { seededRandom } from '../simulators/seeded-random.js';
import { SITE } from './plant.js';
import type { OrderBook } from './orders.js';

/**
 * A quality inspector at the planner API: now and then holds one counted unit of a running order (the ERP gets a
 * quality notification; an order that receives goods puts it into blocked stock) and releases it as good a few
 * seconds later, so nothing held changes what is confirmed.
 * Through the API process, which the soak kills too: a call that fails is simply not counted as made; the checks
 * compare the ERP's notifications with the holds the orders themselves recorded.
 */
export class Inspector {
  private timer: NodeJS.Timeout | undefined;
  private readonly r: () => number;
  readonly placed: Array<{ erpOrderId: string; holdId: number }> = [];
  private readonly open = new Set<string>();

  constructor(private readonly o: { seed: number; apiUrl: string; token: string; book: OrderBook; everyMs: number; log(msg: string): void }) {
    this.r = seededRandom(o.seed * 17 + 3);
  }

  private call(path: string, body: unknown): Promise<Response> {
    return fetch(`${this.o.apiUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.o.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
  }

  /** Releases one hold as good, retrying while the API or Temporal is away; 409 (decided already) ends it too. */
  async release(erpOrderId: string, holdId: number): Promise<void> {
    const key = `${erpOrderId}/${holdId}`;
    this.open.add(key);
    for (let i = 0; i < 60; i++) {
      const res = await this.call(`/orders/${SITE}/${erpOrderId}/quality-holds/${holdId}/disposition`, { decision: 'release' }).catch(() => undefined);
      if (res && (res.ok || res.status === 409)) break;
      await new Promise((r) => setTimeout(r, 2_000));
    }
    this.open.delete(key);
  }

  private async inspect(): Promise<void> {
    const status = await this.o.book.statuses().catch(() => new Map<string, string>());
    const running = this.o.book.releases.filter((r) => status.get(r.erpOrderId) === 'running');
    const order = running[Math.floor(this.r() * running.length)];
    if (!order) return;
    // Orders that receive goods put the held unit into blocked stock: received blocked, released by a 343.
    const blockedStock = order.confirmationPolicy?.goodsReceipt === true;
    const res = await this.call(`/orders/${SITE}/${order.erpOrderId}/quality-holds`, { quantity: 1, defectText: 'soak: burr on edge', blockedStock }).catch(() => undefined);
    if (!res?.ok) return;
    const st = (await res.json()) as { qualityHolds: Array<{ id: number; disposition: string | null }> };
    const hold = st.qualityHolds.filter((h) => h.disposition === null).at(-1);
    if (!hold) return;
    this.placed.push({ erpOrderId: order.erpOrderId, holdId: hold.id });
    this.o.log(`quality hold ${hold.id} on ${order.erpOrderId}`);
    setTimeout(() => void this.release(order.erpOrderId, hold.id), 5_000);
  }

  start(): void {
    this.timer = setInterval(() => void this.inspect(), this.o.everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Holds still waiting for their release. */
  pending(): number {
    return this.open.size;
  }
}
