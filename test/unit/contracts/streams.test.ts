import { describe, expect, it } from 'vitest';
import { machineEventSubject } from '../../../contracts/messages/machine-event.js';
import { wipSubject } from '../../../contracts/messages/work-order-wip.js';
import { erpReleaseSubject } from '../../../contracts/names.js';
import { DURABLES, ERP_EVENTS, exceptionSubject, MES_EVENTS, OPS_EXCEPTIONS, qualityAlertSubject, RUN_RULE_WARNING_STAGE, STREAMS, type StreamDefinition } from '../../../contracts/streams.js';

/** NATS subject matching for the patterns we use: `*` is exactly one token. */
const captures = (def: StreamDefinition, subject: string) =>
  def.subjects.some((p) => {
    const want = p.split('.');
    const got = subject.split('.');
    return want.length === got.length && want.every((t, i) => t === '*' || t === got[i]);
  });

describe('streams', () => {
  it('provisions every stream a durable consumes, each once', () => {
    const names = STREAMS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const d of DURABLES) expect(names).toContain(d.stream);
  });

  it('captures the subjects the producers build, each in one stream', () => {
    const cases: Array<[string, StreamDefinition]> = [
      [machineEventSubject({ site: 'plant1', line: 'line-1', machine: 'press-1', kind: 'counter' }), MES_EVENTS],
      [erpReleaseSubject('plant1'), ERP_EVENTS],
      [exceptionSubject('plant1', 'signal-bridge'), OPS_EXCEPTIONS],
      [exceptionSubject('plant1', RUN_RULE_WARNING_STAGE), OPS_EXCEPTIONS],
    ];
    for (const [subject, stream] of cases) expect(STREAMS.filter((s) => captures(s, subject))).toEqual([stream]);
  });

  it('keeps live WIP out of every stream: it is core NATS for dashboards, not a machine event', () => {
    expect(STREAMS.filter((s) => captures(s, wipSubject('plant1', 'line-1')))).toEqual([]);
    expect(STREAMS.filter((s) => captures(s, qualityAlertSubject('plant1', 'line-1')))).toEqual([]);
  });
});
