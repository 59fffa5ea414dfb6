import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { countingPointsOf } from '../../../contracts/messages/plant-model.js';
import { loadPlantModel } from '../../../seed/plant-file.js';
import { projectRoot } from '../../../stack/paths.js';

const fixture = (f: string) => path.join(projectRoot, 'test/fixtures/plant', f);
const failureOf = (f: string): Promise<Error> =>
  loadPlantModel(fixture(f)).then(
    () => new Error(`${f} was accepted`),
    (e: Error) => e,
  );

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

  it('reports a file that is not YAML', async () => {
    await expect(loadPlantModel(fixture('not-yaml.yaml'))).rejects.toThrow(/not-yaml.yaml: \(root\): not valid YAML/);
  });
});

describe('plant model time zone', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  /** The demo plant with its first site's time zone replaced, loaded as a file. */
  const loadWithZone = async (timezone: string) => {
    const plant = parseYaml(await readFile(path.join(projectRoot, 'seed/demo-plant.yaml'), 'utf8')) as { sites: Array<{ timezone: string }> };
    plant.sites[0]!.timezone = timezone;
    const dir = await mkdtemp(path.join(tmpdir(), 'plant-tz-'));
    dirs.push(dir);
    const file = path.join(dir, 'plant.yaml');
    await writeFile(file, stringify(plant));
    return loadPlantModel(file);
  };

  it.each(['W. Europe Standard Time', 'Central Europe Standard Time', 'CEST', '', 'Europe/Munich'])('refuses %j when the file loads', async (zone) => {
    const err = await loadWithZone(zone).then(() => new Error(`${zone} was accepted`), (e: Error) => e);
    expect(err.message).toContain(`sites[0].timezone: unknown time zone ${JSON.stringify(zone)}: must be an IANA time zone name like Europe/Berlin`);
  });

  it.each(['Europe/Berlin', 'America/Chicago', 'Asia/Kolkata', 'UTC', 'Etc/UTC', 'Etc/GMT-1'])('accepts %s', async (zone) => {
    expect((await loadWithZone(zone)).sites[0]?.timezone).toBe(zone);
  });
});

describe('plant model counting points', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  type Line = { code: string; countingPoints?: string[]; machines: Array<{ code: string; opcua?: unknown }> };
  /** The demo plant with its first line changed by `edit`, loaded as a file. */
  const loadWith = async (edit: (line: Line) => void) => {
    const plant = parseYaml(await readFile(path.join(projectRoot, 'seed/demo-plant.yaml'), 'utf8')) as { sites: Array<{ lines: Line[] }> };
    edit(plant.sites[0]!.lines[0]!);
    const dir = await mkdtemp(path.join(tmpdir(), 'plant-cp-'));
    dirs.push(dir);
    const file = path.join(dir, 'plant.yaml');
    await writeFile(file, stringify(plant));
    return loadPlantModel(file);
  };
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
});
