import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
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
