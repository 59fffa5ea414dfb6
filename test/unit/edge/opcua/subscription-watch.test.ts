import { EventEmitter } from 'node:events';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ClientSession, ClientSubscription } from 'node-opcua';
import { keepSubscribed, silenceLimitMs } from '../../../../edge/opcua/subscription-watch.js';

/** Stands in for node-opcua's ClientSubscription: the events the watcher listens to, and terminate(). */
class FakeSubscription extends EventEmitter {
  terminated = false;
  constructor(
    readonly subscriptionId: number,
    readonly publishingInterval = 50,
    readonly maxKeepAliveCount = 20,
  ) {
    super();
  }
  terminate() {
    this.terminated = true;
    return Promise.resolve();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rig(interval = 50, keepAlive = 20) {
  const subs: FakeSubscription[] = [];
  const live: boolean[] = [];
  const recreated: string[] = [];
  const keeper = keepSubscribed({
    session: {} as ClientSession,
    create: () => {
      const s = new FakeSubscription(subs.length + 1, interval, keepAlive);
      subs.push(s);
      return Promise.resolve(s as unknown as ClientSubscription);
    },
    log: pino({ level: 'silent' }),
    onLive: (l) => live.push(l),
    onRecreated: (r) => recreated.push(r),
  });
  return { subs, live, recreated, keeper };
}

describe('keepSubscribed', () => {
  it('the silence limit is twice publishing interval x max keep-alive count, plus 1 s (ms)', () => {
    expect(silenceLimitMs(50, 20)).toBe(3_000);
    expect(silenceLimitMs(1_000, 10)).toBe(21_000);
  });

  for (const [event, arg, reason] of [
    ['status_changed', { name: 'BadTimeout' }, 'status change BadTimeout'],
    ['terminated', undefined, 'terminated'],
    ['internal_error', new Error('boom'), 'internal error: boom'],
  ] as const) {
    it(`a ${event} subscription is deleted and re-created; live again at its first keep-alive`, async () => {
      const r = rig();
      await r.keeper.start();
      r.subs[0]!.emit(event, arg);
      await sleep(10);
      expect(r.subs).toHaveLength(2);
      expect(r.subs[0]!.terminated).toBe(true);
      expect(r.live).toEqual([false]);
      expect(r.recreated).toEqual([reason]);
      // Late events of the old one change nothing.
      r.subs[0]!.emit('terminated');
      r.subs[1]!.emit('keepalive');
      expect(r.live).toEqual([false, true]);
      expect(r.subs).toHaveLength(2);
      r.keeper.stop();
    });
  }

  it('a silent subscription (no data, no keep-alive) is re-created after the silence limit; paused while disconnected', async () => {
    const r = rig(10, 2); // limit 1,040 ms
    await r.keeper.start();
    r.keeper.pause();
    await sleep(1_300);
    expect(r.subs).toHaveLength(1);
    r.keeper.resume();
    r.subs[0]!.emit('keepalive');
    await sleep(600);
    r.subs[0]!.emit('received_notifications');
    await sleep(600);
    expect(r.subs).toHaveLength(1);
    await sleep(800);
    expect(r.subs).toHaveLength(2);
    expect(r.recreated[0]).toMatch(/no data or keep-alive for 1040 ms/);
    r.keeper.stop();
  });
});
