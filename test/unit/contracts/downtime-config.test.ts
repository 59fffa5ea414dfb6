import { describe, expect, it } from 'vitest';
import { SiteDowntimeConfig } from '../../../contracts/messages/downtime-config.js';
import { erpReportOf } from '../../../contracts/downtime-report.js';
import { packmlStateMap } from '../../../contracts/packml.js';
import { describeIssues } from '../../../contracts/parse.js';
import { downtimeMasterInput } from '../../helpers/downtime-master.js';

type Input = ReturnType<typeof downtimeMasterInput>;
const issuesOf = (patch: (c: Input) => void) => {
  const c = downtimeMasterInput();
  patch(c);
  const r = SiteDowntimeConfig.safeParse(c);
  return r.success ? [] : describeIssues(r.error);
};
const reason = (c: Input, code: string) => c.categories.flatMap((k) => k.reasons as Array<Record<string, unknown>>).find((r) => r.code === code)!;

describe('SiteDowntimeConfig', () => {
  it('accepts the master data and fills defaults (alarm grace 2 s)', () => {
    const c = SiteDowntimeConfig.parse(downtimeMasterInput());
    expect(c.alarmGraceS).toBe(2);
    expect(c.erpReportWhen).toBe('shift-end');
    expect(c.stateReasons.fault).toBe('unexplained-fault');
  });

  it('reports to the ERP per reason: a malfunction report for unplanned breakdowns by default, else nothing or what is configured', () => {
    const reasons = Object.fromEntries(SiteDowntimeConfig.parse(downtimeMasterInput()).categories.flatMap((k) => k.reasons).map((r) => [r.code, erpReportOf(r)]));
    expect(reasons).toMatchObject({
      'die-jam': { report: 'malfunction' },
      changeover: { report: 'none' },
      'no-material': { report: 'none' },
      cleaning: { report: 'notification', notificationType: 'Z1' },
    });
  });

  it.each([
    ['a reason code used twice', (c: Input) => { reason(c, 'no-material').code = 'die-jam'; }, 'categories[1].reasons[1].code', /code die-jam is used twice/],
    ['an unplanned reason without its loss', (c: Input) => { delete reason(c, 'die-jam').loss; }, 'categories[0].reasons[0].loss', /required for an unplanned reason/],
    ['a planned reason with a loss', (c: Input) => { reason(c, 'cleaning').loss = 'setup'; }, 'categories[2].reasons[0].loss', /planned reason is no availability loss/],
    ['a malfunction report for a planned stop', (c: Input) => { reason(c, 'cleaning').erp = { report: 'malfunction' }; }, 'categories[2].reasons[0].erp', /unplanned breakdowns only/],
    ['a malfunction report for idle time', (c: Input) => { reason(c, 'no-material').erp = { report: 'malfunction' }; }, 'categories[1].reasons[1].erp', /unplanned breakdowns only/],
    ['a notification without its type', (c: Input) => { reason(c, 'cleaning').erp = { report: 'notification' }; }, 'categories[2].reasons[0].erp.notificationType', /./],
    ['an activity confirmation (not built)', (c: Input) => { reason(c, 'changeover').erp = { report: 'activity-confirmation' }; }, 'categories[1].reasons[0].erp.report', /activity-confirmation is not built yet/],
    ['a report time that is neither stop-end nor shift-end', (c: Input) => { reason(c, 'cleaning').erp = { report: 'notification', notificationType: 'Z1', when: 'hourly' }; }, 'categories[2].reasons[0].erp.when', /must be stop-end or shift-end/],
    ['a site report time that is neither', (c: Input) => { (c as Record<string, unknown>).erpReportWhen = 'now'; }, 'erpReportWhen', /must be stop-end or shift-end/],
    ['an unknown report', (c: Input) => { reason(c, 'cleaning').erp = { report: 'email' }; }, 'categories[2].reasons[0].erp.report', /must be one of malfunction/],
    ['a bad cost center', (c: Input) => { reason(c, 'die-jam').costCenter = 'cc-1'; }, 'categories[0].reasons[0].costCenter', /SAP KOSTL/],
    ['a state without its reason', (c: Input) => { delete (c.stateReasons as Record<string, string>).idle; }, 'stateReasons.idle', /./],
    ['a state reason not in the tree', (c: Input) => { c.stateReasons.stopped = 'gone'; }, 'stateReasons.stopped', /unknown reason gone/],
    ['an alarm mapped to an unknown reason', (c: Input) => { c.alarmReasons[0]!.reason = 'gone'; }, 'alarmReasons[0].reason', /unknown reason gone/],
    ['an alarm mapped twice', (c: Input) => { c.alarmReasons.push({ alarm: 'E-101', reason: 'die-jam' }); }, 'alarmReasons[2].alarm', /alarm E-101 is mapped twice/],
    ['a negative micro-stop threshold', (c: Input) => { c.microStopS = -1; }, 'microStopS', /./],
    ['a PackML number out of range', (c: Input) => { (c.packml as Record<string, string>)['18'] = 'idle'; }, 'packml.18', /not a PackML state number/],
    ['a PackML number mapped to no machine state', (c: Input) => { c.packml['11'] = 'broken'; }, 'packml.11', /./],
    ['an ideal cycle time of 0', (c: Input) => { c.idealCycleTimes[0]!.seconds = 0; }, 'idealCycleTimes[0].seconds', /./],
    ['an ideal cycle time finer than a millisecond', (c: Input) => { c.idealCycleTimes[0]!.seconds = 1.0005; }, 'idealCycleTimes[0].seconds', /at most 3 decimals/],
    ['an ideal cycle time given twice', (c: Input) => { c.idealCycleTimes.push({ ...c.idealCycleTimes[0]! }); }, 'idealCycleTimes[1]', /given twice/],
  ])('refuses %s, naming the field', (_what, patch, path, message) => {
    expect(issuesOf(patch)).toContainEqual({ path, message: expect.stringMatching(message) });
  });
});

describe('PackML state map (ISA-TR88.00.02 StateCurrent numbers)', () => {
  it('maps Execute alone to running, with the plant\'s overrides', () => {
    const map = packmlStateMap({ '11': 'fault' });
    expect(Object.entries(map).filter(([, s]) => s === 'running').map(([n]) => n)).toEqual(['6']);
    expect(map).toMatchObject({ '1': 'fault', '2': 'stopped', '5': 'idle', '9': 'fault', '11': 'fault', '17': 'idle', '0': 'unknown' });
    expect(Object.keys(map)).toHaveLength(18);
  });
});
