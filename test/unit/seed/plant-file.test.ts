import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { countingPointsOf, siteShiftCalendars } from '../../../contracts/messages/plant-model.js';
import { loadPlantModel } from '../../../seed/plant-file.js';
import { calendarOf, defaultShiftCalendar } from '../../../shifts/calendar-of.js';
import { projectRoot } from '../../../stack/paths.js';
import { downtimeMasterInput } from '../../helpers/downtime-master.js';

const fixture = (f: string) => path.join(projectRoot, 'test/fixtures/plant', f);
const failureOf = (f: string): Promise<Error> =>
  loadPlantModel(fixture(f)).then(
    () => new Error(`${f} was accepted`),
    (e: Error) => e,
  );

const tmpDirs: string[] = [];
afterAll(async () => {
  for (const d of tmpDirs) await rm(d, { recursive: true, force: true });
});
/** The demo plant changed by `edit`, written and loaded as a file (the way a user's file is read). */
async function loadEditedDemo<T>(edit: (plant: T) => void) {
  const plant = parseYaml(await readFile(path.join(projectRoot, 'seed/demo-plant.yaml'), 'utf8')) as T;
  edit(plant);
  const dir = await mkdtemp(path.join(tmpdir(), 'plant-'));
  tmpDirs.push(dir);
  const file = path.join(dir, 'plant.yaml');
  await writeFile(file, stringify(plant));
  return loadPlantModel(file);
}

describe('plant model file', () => {
  it('loads the demo plant', async () => {
    const plant = await loadPlantModel(path.join(projectRoot, 'seed/demo-plant.yaml'));
    expect(plant.sites[0]?.lines.map((l) => l.code)).toEqual(['line-1', 'line-2']);
    expect(plant.demoOrders[0]).toMatchObject({ erpOrderId: '1000123', operation: '0010' });
  });

  it('names the path of every bad field', async () => {
    const err = await failureOf('bad-fields.yaml');
    expect(err.message).toContain('bad-fields.yaml: ');
    expect(err.message).toContain('sites[0].code: must be 1-64 of a-z, 0-9 and -');
    expect(err.message).toContain('sites[0].lines[0].erpPlant: must be a 4-character SAP plant');
    expect(err.message).toContain('sites[0].lines[0].machines:');
  });

  it('names references to things that do not exist', async () => {
    const err = await failureOf('unknown-references.yaml');
    expect(err.message).toContain('sites[0].lines[0].costCenter: unknown cost center CC9');
    expect(err.message).toContain('materials[0].bom[0].component: unknown material NOPE');
    expect(err.message).toContain('demoOrders[0].line: unknown line line-7 in site plant1');
  });

  it('keeps the demo plant on the default shifts, written out', async () => {
    const plant = await loadPlantModel(path.join(projectRoot, 'seed/demo-plant.yaml'));
    expect(siteShiftCalendars(plant, 'plant1')?.site?.versions).toEqual(defaultShiftCalendar('Europe/Berlin').versions);
  });

  it('names bad shift calendar fields, unknown places and a second calendar for a line', async () => {
    const err = await failureOf('bad-shift-calendars.yaml');
    expect(err.message).toContain('shiftCalendars[0].versions[0].shifts[0].start: must be a local time HH:MM');
    expect(err.message).toContain('shiftCalendars[1].site: unknown site plant9');
    expect(err.message).toContain('shiftCalendars[2].line: unknown line line-7 in site plant1');
    expect(err.message).toContain('shiftCalendars[4]: line line-1 of site plant1 already has a calendar (shiftCalendars[3])');
  });

  it('gives a line its own calendar and the others the site\'s', async () => {
    const site = { versions: [{ validFrom: '2026-01-01T00:00:00Z', shifts: [{ code: 'A', start: '06:00', end: '14:00' }] }] };
    const own = { versions: [{ validFrom: '2026-01-01T00:00:00Z', shifts: [{ code: 'D', start: '06:00', end: '18:00' }] }], holidays: ['2026-12-25'] };
    const plant = await loadEditedDemo<{ shiftCalendars: unknown[] }>((p) => {
      p.shiftCalendars = [{ site: 'plant1', ...site }, { site: 'plant1', line: 'line-2', ...own }];
    });
    const stored = siteShiftCalendars(plant, 'plant1');
    expect(calendarOf(stored, 'line-1', 'Europe/Berlin').versions[0]!.shifts.map((s) => s.code)).toEqual(['A']);
    expect(calendarOf(stored, 'line-2', 'Europe/Berlin')).toMatchObject({ timeZone: 'Europe/Berlin', holidays: ['2026-12-25'], versions: [{ shifts: [{ code: 'D' }] }] });
    expect(siteShiftCalendars(plant, 'elsewhere')).toBeNull();
  });

  it('reads downtime master data per site and names what it refers to that the plant lacks', async () => {
    type Plant = { sites: Array<{ costCenters: unknown[]; lines: Array<{ machines: Array<Record<string, unknown>> }> }>; downtime: unknown[] };
    const ok = await loadEditedDemo<Plant>((p) => {
      p.sites[0]!.costCenters.push({ code: 'CC4900', name: 'Maintenance' });
      p.sites[0]!.lines[0]!.machines[0]!.costCenter = 'CC4900';
      p.downtime = [downtimeMasterInput()];
    });
    expect(ok.downtime?.[0]).toMatchObject({ site: 'plant1', microStopS: 120, idealCycleTimes: [{ machine: 'press-1', material: 'BRACKET-A', seconds: 1.5 }] });
    expect(ok.sites[0]!.lines[0]!.machines[0]!.costCenter).toBe('CC4900');

    const err = await loadEditedDemo<Plant>((p) => {
      p.sites[0]!.lines[0]!.machines[1]!.costCenter = 'CC9999';
      const bad = downtimeMasterInput();
      bad.alarmReasons[1]!.machine = 'press-9';
      bad.idealCycleTimes.push({ machine: 'robot-9', material: 'NOPE', seconds: 2 });
      p.downtime = [bad, { ...downtimeMasterInput() }, { ...downtimeMasterInput(), site: 'plant9' }];
    }).then(() => new Error('accepted'), (e: Error) => e);
    expect(err.message).toContain('sites[0].lines[0].machines[1].costCenter: unknown cost center CC9999 in site plant1');
    expect(err.message).toContain('downtime[0].categories[0].reasons[0].costCenter: unknown cost center CC4900 in site plant1');
    expect(err.message).toContain('downtime[0].alarmReasons[1].machine: unknown machine press-9 in site plant1');
    expect(err.message).toContain('downtime[0].idealCycleTimes[1].machine: unknown machine robot-9 in site plant1');
    expect(err.message).toContain('downtime[0].idealCycleTimes[1].material: unknown material NOPE');
    expect(err.message).toContain('downtime[1].site: site plant1 already has its downtime master data (downtime[0])');
    expect(err.message).toContain('downtime[2].site: unknown site plant9');
  });

  it('reports a file that is not YAML', async () => {
    await expect(loadPlantModel(fixture('not-yaml.yaml'))).rejects.toThrow(/not-yaml.yaml: \(root\): not valid YAML/);
  });
});

describe('plant model time zone', () => {
  /** The demo plant with its first site's time zone replaced, loaded as a file. */
  const loadWithZone = (timezone: string) => loadEditedDemo<{ sites: Array<{ timezone: string }> }>((p) => (p.sites[0]!.timezone = timezone));

  it.each(['W. Europe Standard Time', 'Central Europe Standard Time', 'CEST', '', 'Europe/Munich'])('refuses %j when the file loads', async (zone) => {
    const err = await loadWithZone(zone).then(() => new Error(`${zone} was accepted`), (e: Error) => e);
    expect(err.message).toContain(`sites[0].timezone: unknown time zone ${JSON.stringify(zone)}: must be an IANA time zone name like Europe/Berlin`);
  });

  it.each(['Europe/Berlin', 'America/Chicago', 'Asia/Kolkata', 'UTC', 'Etc/UTC', 'Etc/GMT-1'])('accepts %s', async (zone) => {
    expect((await loadWithZone(zone)).sites[0]?.timezone).toBe(zone);
  });
});

type Line = { code: string; countingPoints?: string[]; machines: Array<{ code: string; opcua?: unknown }> };

describe('plant model counting points', () => {
  /** The demo plant with its first line changed by `edit`, loaded as a file. */
  const loadWith = (edit: (line: Line) => void) => loadEditedDemo<{ sites: Array<{ lines: Line[] }> }>((p) => edit(p.sites[0]!.lines[0]!));
  const failure = (edit: (line: Line) => void) => loadWith(edit).then(() => new Error('accepted'), (e: Error) => e);

  it('names both presses of the demo line as its counting points', async () => {
    const plant = await loadPlantModel(path.join(projectRoot, 'seed/demo-plant.yaml'));
    expect(plant.sites[0]!.lines.map((l) => countingPointsOf(l))).toEqual([['press-1', 'press-2'], ['robot-1']]);
  });

  it('requires them when more than one machine of the line has a counter tag, saying which and what to add', async () => {
    const err = await failure((l) => delete l.countingPoints);
    expect(err.message).toContain(
      'sites[0].lines[0].countingPoints: required: machines press-1, press-2 of line line-1 all have counter tags; name the machine(s) ' +
        "whose output is the order's output, e.g. countingPoints: [press-2] for machines in series, or all of them for machines in parallel",
    );
  });

  it('refuses a counting point that is not a machine of the line', async () => {
    const err = await failure((l) => (l.countingPoints = ['press-2', 'robot-1']));
    expect(err.message).toContain('sites[0].lines[0].countingPoints[1]: unknown machine robot-1 in line line-1 (its machines: press-1, press-2)');
  });

  it('takes one named machine as the only counting point of machines in series', async () => {
    const plant = await loadWith((l) => (l.countingPoints = ['press-2']));
    expect(countingPointsOf(plant.sites[0]!.lines[0]!)).toEqual(['press-2']);
  });

  it('defaults to the one machine with a counter tag, or to every machine when none has one', async () => {
    const oneCounter = await loadWith((l) => {
      delete l.countingPoints;
      delete l.machines[0]!.opcua;
    });
    expect(countingPointsOf(oneCounter.sites[0]!.lines[0]!)).toEqual(['press-2']);
    const noCounter = await loadWith((l) => {
      delete l.countingPoints;
      for (const m of l.machines) delete m.opcua;
    });
    expect(countingPointsOf(noCounter.sites[0]!.lines[0]!)).toEqual(['press-1', 'press-2']);
  });

  it('refuses a counting point with no counter tag when other machines of the line have them, naming those', async () => {
    // The order would stay at 0: press-1's counts are the order's, but only press-2 counts anything.
    const err = await failure((l) => {
      delete l.machines[0]!.opcua;
      l.countingPoints = ['press-1'];
    });
    expect(err.message).toContain(
      "sites[0].lines[0].countingPoints[0]: machine press-1 of line line-1 has no counter tag, so it would count nothing toward the order; " +
        "the line's machines with counter tags: press-2",
    );
  });
});

describe('plant model machine codes', () => {
  /** The demo plant with its first site's lines changed by `edit`; the error it is refused with. */
  const failureWith = (edit: (lines: Line[]) => void) =>
    loadEditedDemo<{ sites: Array<{ lines: Line[] }> }>((p) => edit(p.sites[0]!.lines)).then(() => new Error('accepted'), (e: Error) => e);

  it('refuses a machine code a second line of the site already has, naming both lines', async () => {
    // line-2 gets its own press-1: routing by (site, machine) would send its pieces to line-1's order.
    const err = await failureWith((lines) => {
      lines[1]!.machines.push({ ...lines[0]!.machines[0]!, code: 'press-1' });
    });
    expect(err.message).toContain(
      "sites[0].lines[1].machines[1].code: machine press-1 is already a machine of line line-1 in site plant1: a machine code is the machine's identity in its site, give each machine its own",
    );
  });

  it('refuses the same machine code twice in one line', async () => {
    const err = await failureWith((lines) => {
      lines[1]!.machines.push({ ...lines[1]!.machines[0]! });
    });
    expect(err.message).toContain('sites[0].lines[1].machines[1].code: machine robot-1 is already a machine of line line-2 (this line) in site plant1');
  });
});
