import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { erpUnitMap, PlantModel } from '../../../contracts/messages/plant-model.js';
import { parseOrThrow } from '../../../contracts/parse.js';
import { projectRoot } from '../../../stack/paths.js';

// Issue 18 item 4: the plant file's unit mapping (MES unit -> SAP ISO and commercial code), validated at load.
const demo = async () => parseYaml(await readFile(path.join(projectRoot, 'seed/demo-plant.yaml'), 'utf8')) as Record<string, unknown>;
const load = (raw: unknown) => parseOrThrow(PlantModel, raw, 'plant.yaml');

describe('plant file erpUnits', () => {
  it('the demo plant maps its units for the SAP adapter', async () => {
    expect(erpUnitMap(load(await demo()))).toEqual({ PC: { iso: 'PCE', commercial: 'PC' }, KG: { iso: 'KGM', commercial: 'KG' } });
    expect(erpUnitMap({})).toEqual({});
  });

  it('names a unit the plant uses without a mapping, a unit mapped twice and a bad ISO code', async () => {
    const raw = { ...(await demo()), erpUnits: [{ unit: 'PC', iso: 'PCE', commercial: 'PC' }, { unit: 'PC', iso: 'PCE', commercial: 'ST' }, { unit: 'M', iso: 'mtr', commercial: 'M' }] };
    expect(() => load(raw)).toThrow(/erpUnits\[1\]\.unit: unit PC is mapped twice/);
    expect(() => load(raw)).toThrow(/erpUnits\[1\]\.iso: iso PCE is mapped twice/);
    expect(() => load(raw)).toThrow(/erpUnits\[2\]\.iso: must be a 1-3 character ISO unit code like PCE or KGM/);
    const missing = { ...(await demo()), erpUnits: [{ unit: 'PC', iso: 'PCE', commercial: 'PC' }] };
    expect(() => load(missing)).toThrow(/materials\[0\]\.bom\[0\]\.unit: unit KG has no entry in erpUnits/);
    expect(() => load(missing)).toThrow(/materials\[1\]\.unit: unit KG has no entry in erpUnits/);
  });
});
