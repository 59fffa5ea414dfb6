import { JetStreamApiCodes, JetStreamApiError, type ConsumerNotification, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { consumeForever, type MissingReason } from '../../../jetstream/consume-forever.js';
import { eventually } from '../../helpers/eventually.js';

/** A channel: an async iterable whose `end()` finishes it, as ConsumerMessages and its status() do. */
class Channel<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private wake?: () => void;
  ended = false;
  push(v: T) {
    this.items.push(v);
    this.wake?.();
  }
  end() {
    this.ended = true;
    this.wake?.();
  }
  async *[Symbol.asyncIterator]() {
    for (;;) {
      while (this.items.length > 0) yield this.items.shift()!;
      if (this.ended) return;
      await new Promise<void>((r) => (this.wake = r));
    }
  }
}

const notFound = (code: number) => new JetStreamApiError({ code: 404, err_code: code, description: 'not found' });

/** A JetStream client whose one durable can be deleted and provisioned, and whose stream can vanish. */
function fakeJetStream() {
  const state = { exists: true, created: 't1', streamGone: false, gets: 0, live: [] as Array<{ msgs: Channel<JsMsg>; status: Channel<ConsumerNotification> }> };
  const lookup = async () => {
    if (state.streamGone) throw notFound(JetStreamApiCodes.StreamNotFound);
    if (!state.exists) throw notFound(JetStreamApiCodes.ConsumerNotFound);
    return { created: state.created };
  };
  const js = {
    consumers: {
      get: async () => {
        state.gets += 1;
        await lookup();
        const created = state.created;
        return {
          info: async (cached?: boolean) => (cached ? { created } : lookup()),
          consume: async () => {
            const msgs = new Channel<JsMsg>();
            const status = new Channel<ConsumerNotification>();
            state.live.push({ msgs, status });
            return Object.assign(msgs, { status: () => status, stop: () => (msgs.end(), status.end()) });
          },
        };
      },
    },
  } as unknown as JetStreamClient;
  return { js, state, current: () => state.live.at(-1)! };
}

const msg = (seq: number) => ({ seq }) as JsMsg;
let stops: Array<() => void> = [];
afterEach(() => {
  stops.forEach((s) => s());
  stops = [];
});

function start(f: ReturnType<typeof fakeJetStream>, provision: () => Promise<void>) {
  const seen: number[] = [];
  const reasons: MissingReason[] = [];
  const c = consumeForever(f.js, {
    stream: 'S', durable: 'd', maxMessages: 8, name: 'test', log: pino({ level: 'silent' }), retryDelayMs: 10, checkEveryMs: 20,
    onMessage: (m) => void seen.push(m.seq), provision, onRecreated: (r) => reasons.push(r),
  });
  stops.push(c.stop);
  return { c, seen, reasons };
}

describe('consumeForever when the durable or its stream disappears', () => {
  it('provisions a durable the server says was deleted, and consumes the new one', async () => {
    const f = fakeJetStream();
    const { c, seen, reasons } = start(f, async () => {
      f.state.exists = true;
      f.state.created = 't2';
    });
    await eventually(async () => (f.state.live.length === 1 ? true : undefined), 'first consume');
    f.current().msgs.push(msg(1));
    f.state.exists = false;
    f.current().status.push({ type: 'consumer_deleted', code: 409, description: 'consumer deleted' });
    await eventually(async () => (f.state.live.length === 2 ? true : undefined), 'a second consume');
    f.current().msgs.push(msg(2));
    await eventually(async () => (seen.length === 2 ? true : undefined), 'both messages');
    expect(reasons).toEqual(['consumer-deleted']);
    expect(c.recreations()).toBe(1);
  });

  it('finds a deleted stream with its check, and keeps retrying while provisioning fails', async () => {
    const f = fakeJetStream();
    let attempts = 0;
    const { reasons } = start(f, async () => {
      if (++attempts < 3) throw new Error('NATS away');
      f.state.streamGone = false;
    });
    await eventually(async () => (f.state.live.length === 1 ? true : undefined), 'first consume');
    f.state.streamGone = true; // no notification: only the periodic check sees it
    await eventually(async () => (f.state.live.length === 2 ? true : undefined), 'consuming again');
    expect(attempts).toBe(3);
    expect(reasons).toEqual(['stream-not-found']);
  });

  it('consumes again when someone else created the durable anew, and provisions one missing at start', async () => {
    const f = fakeJetStream();
    f.state.exists = false;
    const { reasons } = start(f, async () => {
      f.state.exists = true;
    });
    await eventually(async () => (f.state.live.length === 1 ? true : undefined), 'first consume');
    f.state.created = 't9';
    await eventually(async () => (f.state.live.length === 2 ? true : undefined), 'consuming the replaced durable');
    expect(reasons).toEqual(['consumer-not-found', 'consumer-replaced']);
    expect(f.state.live[0]!.msgs.ended).toBe(true);
  });

  it('stops without provisioning anything when the durable is there', async () => {
    const f = fakeJetStream();
    let provisions = 0;
    const { c } = start(f, async () => void provisions++);
    await eventually(async () => (f.state.live.length === 1 ? true : undefined), 'first consume');
    await new Promise((r) => setTimeout(r, 80));
    c.stop();
    await c.done;
    expect({ provisions, gets: f.state.gets }).toEqual({ provisions: 0, gets: 1 });
  });
});
