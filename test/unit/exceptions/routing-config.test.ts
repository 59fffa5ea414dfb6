import { describe, expect, it } from 'vitest';
import { ExceptionRoutingConfig, levelsFor } from '../../../contracts/messages/exception-routing.js';
import { ExceptionMessage } from '../../../contracts/messages/exception.js';
import { InvalidInput, parseOrThrow } from '../../../contracts/parse.js';

const groups = {
  line1: { targets: [{ channel: 'webhook', url: 'https://chat.example/hook' }] },
  managers: { targets: [{ channel: 'email', to: ['m@plant.example'] }] },
};
const smtp = { host: 'smtp.example', port: 25, from: 'mes@plant.example' };

describe('exception routing file', () => {
  it('takes the first rule matching site, line and kind', () => {
    const c = ExceptionRoutingConfig.parse({
      groups, smtp,
      rules: [
        { site: 'plant1', line: 'line-1', kinds: ['counter-hold'], levels: [{ notify: ['line1'], escalateAfterSeconds: 60 }, { notify: ['managers'] }] },
        { site: 'plant1', levels: [{ notify: ['managers'] }] },
      ],
    });
    expect(levelsFor(c, { site: 'plant1', line: 'line-1', kind: 'counter-hold' }).map((l) => l.notify)).toEqual([['line1'], ['managers']]);
    expect(levelsFor(c, { site: 'plant1', line: 'line-2', kind: 'counter-hold' }).map((l) => l.notify)).toEqual([['managers']]);
    expect(levelsFor(c, { site: 'plant2', line: null, kind: 'erp-rejection' })).toEqual([]);
    expect(c.limits).toEqual({ holdUndecidedSeconds: 14_400, erpWaitSeconds: 1_800 });
  });

  it('names the field of a rule that names no group, and e-mail without smtp', () => {
    const bad = () => parseOrThrow(ExceptionRoutingConfig, { groups, rules: [{ levels: [{ notify: ['nobody'] }] }] }, 'routing.yaml');
    expect(bad).toThrow(InvalidInput);
    expect(bad).toThrow(/rules\[0\]\.levels\[0\]\.notify\[0\]: names group nobody/);
    expect(bad).toThrow(/smtp: is required when a group is reached by e-mail/);
  });

  it('refuses an exception message of an unknown kind or without a cause, naming the field', () => {
    const ok = {
      kind: 'counter-hold', severity: 'warning', site: 'plant1', line: 'line-1', erpOrderId: null, workflowId: null, stage: 'counter-hold',
      causeKey: 'counter-hold:e1', occurrence: 'e1', reason: 'held', evidence: {}, actions: ['accept'], occurredAt: '2026-01-05T06:00:00Z',
    };
    expect(ExceptionMessage.parse({ ...ok, hold: { eventId: 'e1' } })).toMatchObject({ hold: { eventId: 'e1' } });
    expect(() => parseOrThrow(ExceptionMessage, { ...ok, kind: 'fire' }, 'ops.plant1.exception.x')).toThrow(/kind:/);
    expect(() => parseOrThrow(ExceptionMessage, { ...ok, causeKey: '' }, 'ops.plant1.exception.x')).toThrow(/causeKey:/);
  });
});
