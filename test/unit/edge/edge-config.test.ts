import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { CounterTag, counterSemantics, MachineOpcua } from '../../../contracts/messages/edge-config.js';
import { PlantModel } from '../../../contracts/messages/plant-model.js';
import { replay } from '../../helpers/counter-replay.js';
import { loadPlantModel } from '../../../seed/plant-file.js';
import { edgeMachines, groupByEndpoint } from '../../../edge/plant.js';
import { projectRoot } from '../../../stack/paths.js';
import { downtimeMasterInput } from '../../helpers/downtime-master.js';

const fixture = (f: string) => path.join(projectRoot, 'test/fixtures/plant', f);

describe('plant model: OPC UA settings per machine', () => {
  it('the demo plant is valid and its machines carry OPC UA tags', async () => {
    const plant = await loadPlantModel(path.join(projectRoot, 'seed/demo-plant.yaml'));
    const machines = edgeMachines(plant);
    expect(machines.map((m) => m.ref.machine)).toEqual(['press-1', 'press-2', 'robot-1']);
    expect(machines[0]!.opcua.tags.map((t) => t.kind)).toEqual(['counter', 'counter', 'state', 'analog', 'alarm']);
    expect(groupByEndpoint(machines)).toHaveLength(1);
  });

  it('gives a PackML state tag the ISA-TR88.00.02 map, under the site\'s overrides and the tag\'s own', async () => {
    const demo = await loadPlantModel(path.join(projectRoot, 'seed/demo-plant.yaml'));
    const raw = JSON.parse(JSON.stringify(demo)) as { sites: Array<{ lines: Array<{ machines: Array<{ opcua: { tags: Array<Record<string, unknown>> } }> }> }>; downtime?: unknown[] };
    const stateTag = raw.sites[0]!.lines[0]!.machines[0]!.opcua.tags.find((t) => t.kind === 'state')!;
    Object.assign(stateTag, { packml: true, map: { '4': 'setup' } });
    raw.downtime = [{ ...downtimeMasterInput(), categories: downtimeMasterInput().categories.map((c) => ({ ...c, reasons: c.reasons.map((r) => ({ ...r, costCenter: undefined })) })), packml: { '11': 'fault', '4': 'idle' } }];
    const tags = edgeMachines(PlantModel.parse(raw))[0]!.opcua.tags;
    const map = (tags.find((t) => t.kind === 'state') as { map: Record<string, string> }).map;
    expect(map).toMatchObject({ '6': 'running', '2': 'stopped', '9': 'fault', '11': 'fault', '4': 'setup', '17': 'idle' });
    // A tag without packml keeps its map as written.
    expect((edgeMachines(demo)[0]!.opcua.tags.find((t) => t.kind === 'state') as { map: Record<string, string> }).map).not.toHaveProperty('6');
  });

  it('names the path of every bad OPC UA field', async () => {
    const err = await loadPlantModel(fixture('bad-opcua.yaml')).then(
      () => new Error('accepted'),
      (e: Error) => e,
    );
    expect(err.message).toContain('sites[0].lines[0].machines[0].opcua.endpoint: must be an opc.tcp:// URL');
    expect(err.message).toContain('sites[0].lines[0].machines[0].opcua.tags[0].nodeId: must be an OPC UA NodeId');
    expect(err.message).toContain('sites[0].lines[0].machines[0].opcua.tags[1].counter');
    expect(err.message).toContain('sites[0].lines[0].machines[1].opcua.tags[2].range: percent deadband needs range');
    expect(err.message).toContain('sites[0].lines[0].machines[1].opcua.tags[3].name: duplicate tag name good');
    expect(err.message).toContain('sites[0].lines[0].machines[1].opcua.securityPolicy: securityMode Sign needs a securityPolicy other than None');
    expect(err.message).toContain('sites[0].lines[0].machines[1].idealCycleTimeS: required for a machine with counter tags');
  });

  it('counter semantics: defaults from the data type, and wrap and reset checked against it', () => {
    const counter = (extra: Record<string, unknown>) => ({ name: 'good', nodeId: 'ns=1;s=G', kind: 'counter', counter: 'good', ...extra });
    const parse = (extra: Record<string, unknown>) => CounterTag.safeParse(counter(extra));
    expect(counterSemantics(CounterTag.parse(counter({ dataType: 'Int16' })))).toEqual({
      range: { min: -32_768, max: 32_767 },
      wraps: true,
      reset: 0,
      factor: 1.5,
      slackPieces: 5,
      dropConfirmMs: 2_000,
      burstMs: 30_000,
    });
    expect(counterSemantics(CounterTag.parse(counter({ dataType: 'Double' })))).toMatchObject({ wraps: false, range: { max: Number.MAX_SAFE_INTEGER } });
    expect(counterSemantics(CounterTag.parse(counter({ dataType: 'UInt16', wrap: { min: 0, max: 9_999 }, reset: false })))).toMatchObject({ range: { min: 0, max: 9_999 }, wraps: true, reset: false });
    const issues = (extra: Record<string, unknown>) => parse(extra).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues({ dataType: 'UInt16', wrap: { min: 0, max: 70_000 } })).toEqual(["wrap: must lie within UInt16's range 0..65535"]);
    expect(issues({ wrap: { min: 10, max: 10 } })).toEqual(['wrap.max: must be above wrap.min']);
    expect(issues({ dataType: 'UInt16', wrap: { min: 0, max: 9_999 }, reset: 10_000 })).toEqual(["reset: must lie within the counter's range 0..9999"]);
    expect(parse({ dataType: 'Int64' }).success).toBe(true);
  });

  it('refuses a dropConfirmMs not above the tag samplingMs, and defaults it from samplingMs (review finding 4)', () => {
    const counter = (extra: Record<string, unknown>) => ({ name: 'good', nodeId: 'ns=1;s=G', kind: 'counter', counter: 'good', ...extra });
    const r = CounterTag.safeParse(counter({ samplingMs: 10_000, dropConfirmMs: 2_000 }));
    expect(r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'dropConfirmMs: must be above samplingMs (10000): a one-sample glitch lasts a sampling interval and would be decided as a drop',
    ]);
    expect(counterSemantics(CounterTag.parse(counter({ samplingMs: 5_000 }))).dropConfirmMs).toBe(15_000);
    expect(counterSemantics(CounterTag.parse(counter({}))).dropConfirmMs).toBe(2_000);
    // The burst window: 30 s, three sampling intervals when longer, or the tag's own.
    expect(counterSemantics(CounterTag.parse(counter({ samplingMs: 20_000 }))).burstMs).toBe(60_000);
    expect(counterSemantics(CounterTag.parse(counter({ burstS: 5 }))).burstMs).toBe(5_000);
  });

  it('a wrap range without 0 resets to its min by default: wrap 1..9999, 500 -> 1 after 10 min is no piece (review finding 9)', () => {
    const tag = { name: 'good', nodeId: 'ns=1;s=G', kind: 'counter', counter: 'good', dataType: 'UInt16', wrap: { min: 1, max: 9_999 } };
    expect(counterSemantics(CounterTag.parse(tag)).reset).toBe(1);
    expect(replay({ dataType: 'UInt16', wrap: { min: 1, max: 9_999 } }, 1, [[500, 0], [1, 600_000]], 605_000)).toEqual({ counted: 0, holds: [], commits: [1] });
  });

  it('refuses a machine and tag whose event ids cannot fit the contract, naming the field (review finding 10)', () => {
    const plant = YAML.parse(readFileSync(path.join(projectRoot, 'seed/demo-plant.yaml'), 'utf8')) as { sites: Array<{ lines: Array<{ machines: Array<{ code: string; opcua: { tags: Array<{ name: string }> } }> }> }> };
    const machine = plant.sites[0]!.lines[0]!.machines[0]!;
    machine.code = 'stamping-line-north-hall-2-transfer-press-station-04-robot-ab';
    machine.opcua.tags[0]!.name = 'Line2.TransferPress04.ProductionData.Counters.GoodPartsTotal_DINT.Value.Retentive_CTU_Accumulator.PV_Current.Value_Of_Counter_A';
    const issues = PlantModel.safeParse(plant).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(issues.filter((i) => i.includes('event ids'))).toEqual([
      `sites.0.lines.0.machines.0.opcua.tags.0.name: machine code (${machine.code.length}) and tag name (${machine.opcua.tags[0]!.name.length}) too long together: event ids would reach ${machine.code.length + 1 + machine.opcua.tags[0]!.name.length + 37} characters, the machine-event contract allows 200`,
    ]);
  });

  it('takes an optional clock skew warning threshold in ms (positive integer; the gateway defaults it to 60 s)', () => {
    const base = { endpoint: 'opc.tcp://plc:4840', tags: [{ name: 's', nodeId: 'ns=1;s=S', kind: 'state', map: { '1': 'running' } }] };
    expect(MachineOpcua.parse(base).clockSkewWarnMs).toBeUndefined();
    expect(MachineOpcua.parse({ ...base, clockSkewWarnMs: 30_000 }).clockSkewWarnMs).toBe(30_000);
    expect(MachineOpcua.safeParse({ ...base, clockSkewWarnMs: -5 }).success).toBe(false);
  });
});
