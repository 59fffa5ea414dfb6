import { jetstream } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';
import { erpReleaseSubject } from '../../contracts/names.js';
import { seededRandom } from '../../simulators/seeded-random.js';
import { LINES, SITE, type LineCode } from '../plant.js';
import type { Fault } from '../schedule.js';
import type { FaultContext, FaultOutcome } from './context.js';

/** Bodies a broken sender puts on a subject: not JSON, JSON of the wrong shape, a batch with a bad event. */
const GARBAGE = [
  'not json at all',
  '{"v":1,',
  '{}',
  '{"v":2,"events":[]}',
  JSON.stringify({ v: 1, events: [{ v: 1, eventId: 'x', kind: 'counter', good: -5 }] }),
  JSON.stringify({ v: 1, site: SITE, erpOrderId: 'not-a-number', material: '', quantity: 'ten' }),
];

const injected = () => {
  const h = headers();
  h.set('soak-injected', '1');
  return h;
};

/**
 * `nats:*`: malformed machine events and releases, machine events sent again (as a replaying edge or a restored
 * stream does: a new message, the same event ids), releases sent again (same content under a new msgID, and once
 * under the original's msgID, which the stream drops). Seeded by the fault's offset so a replay sends the same.
 */
export async function sendMessages(ctx: FaultContext, f: Fault): Promise<FaultOutcome> {
  const r = seededRandom(f.atMs);
  const js = jetstream(ctx.nc, { timeout: 3_000 });
  const n = f.count ?? 1;
  const lines = Object.keys(LINES) as LineCode[];
  let sent = 0;
  try {
    for (let i = 0; i < n; i++) {
      if (f.kind === 'nats:malformed-events') {
        const line = lines[Math.floor(r() * lines.length)]!;
        const machine = LINES[line].machines[0];
        const kind = ['counter', 'state', 'alarm'][Math.floor(r() * 3)]!;
        await js.publish(`mes.${SITE}.${line}.${machine}.${kind}`, GARBAGE[Math.floor(r() * GARBAGE.length)]!, { headers: injected() });
      } else if (f.kind === 'nats:duplicate-events') {
        for (const m of ctx.recent.sample(1, r)) await js.publish(m.subject, m.data, { headers: injected() });
      } else if (f.kind === 'nats:malformed-release') {
        await js.publish(erpReleaseSubject(SITE), GARBAGE[Math.floor(r() * GARBAGE.length)]!, { headers: injected() });
      } else {
        const rel = ctx.releases[Math.floor(r() * ctx.releases.length)];
        if (!rel) continue;
        const body = JSON.stringify(rel);
        // Once as the stream sees a replay (its dedupe window drops it), once as an ERP that sends it again.
        await js.publish(erpReleaseSubject(SITE), body, { msgID: `release:${SITE}:${rel.erpOrderId}`, headers: injected() });
        await js.publish(erpReleaseSubject(SITE), body, { msgID: `soak-dup:${rel.erpOrderId}:${f.atMs}:${i}`, headers: injected() });
      }
      sent++;
    }
  } catch (err) {
    return { ok: false, detail: `${sent} of ${n} sent: ${(err as Error).message}` };
  }
  return { ok: true, detail: `${sent} sent` };
}
