import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startOpcuaLine, type SimLine } from '../../simulators/opcua-line/server.js';
import { freePort } from '../../stack/free-port.js';
import { projectRoot } from '../../stack/paths.js';
import { readMachineEvents, startNatsRig, waitFor, type NatsRig } from '../helpers/edge.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The demo plant with one machine read from the simulator, as a file the gateway process loads. */
function writePlant(file: string, endpoint: string): void {
  const plant = parseYaml(readFileSync(path.join(projectRoot, 'seed/demo-plant.yaml'), 'utf8')) as {
    sites: Array<{ lines: Array<{ machines: Array<{ code: string; opcua?: unknown; idealCycleTimeS?: number }> }> }>;
  };
  for (const line of plant.sites[0]!.lines) for (const m of line.machines) delete m.opcua;
  // The simulator below makes a piece every 10 ms; the demo plant's 2 s would hold every delta as implausible.
  plant.sites[0]!.lines[0]!.machines[0]!.idealCycleTimeS = 0.01;
  plant.sites[0]!.lines[0]!.machines[0]!.opcua = {
    endpoint,
    credentialsRef: 'PRESS1_OPCUA',
    tags: [
      { name: 'good', nodeId: 'ns=1;s=press-1.Good', kind: 'counter', counter: 'good', samplingMs: 20, windowMs: 300 },
      { name: 'scrap', nodeId: 'ns=1;s=press-1.Scrap', kind: 'counter', counter: 'scrap', samplingMs: 20, windowMs: 300 },
    ],
  };
  writeFileSync(file, JSON.stringify(plant));
}

describe('edge gateway process: killed with SIGKILL and started again', () => {
  let rig: NatsRig;
  let sim: SimLine;
  let child: ChildProcess | undefined;

  let metricsPort = 0;
  const startProcess = () => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'workers/edge-gateway.ts'], {
      cwd: projectRoot,
      env: {
        ...process.env,
        NATS_URL: rig.nats.url,
        NATS_USER: rig.nats.user,
        NATS_PASSWORD: rig.nats.password,
        MES_PLANT_FILE: path.join(rig.dir, 'plant.json'),
        MES_EDGE_BUFFER_DIR: path.join(rig.dir, 'buffer'),
        MES_EDGE_CERT_DIR: path.join(rig.dir, 'pki-gateway'),
        MES_EDGE_TRUST_UNKNOWN_SERVERS: 'true',
        MES_EDGE_METRICS_PORT: String(metricsPort),
        MES_LOG_LEVEL: 'warn',
        PRESS1_OPCUA_USER: 'edge',
        PRESS1_OPCUA_PASSWORD: 'press-1-secret',
      },
      stdio: 'ignore',
    });
    child = p;
    return p;
  };
  const publishedDeltas = async () =>
    (await readMachineEvents(rig.jsm)).reduce((n, e) => n + (e.kind === 'counter' ? e.delta : 0), 0);
  const produced = () => sim.produced('press-1').good + sim.produced('press-1').scrap;

  beforeAll(async () => {
    rig = await startNatsRig();
    sim = await startOpcuaLine({
      machines: [{ code: 'press-1', cycleMs: 10, scrapRate: 0.1 }],
      certDir: path.join(rig.dir, 'pki-sim'),
      users: [{ user: 'edge', password: 'press-1-secret' }],
      running: false,
    });
    writePlant(path.join(rig.dir, 'plant.json'), sim.endpoint);
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await sim?.stop();
    await rig?.stop();
  });

  it('loses and repeats no piece', async () => {
    metricsPort = await freePort();
    const first = startProcess();
    // The baseline is each counter's first reading: wait until the process has read both, then run the line.
    await waitFor(
      'the gateway process to read both counters',
      async () => {
        const text = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text(), () => '');
        return Number(/mes_edge_changes_total\{kind="counter"\} (\d+)/.exec(text)?.[1] ?? 0) >= 2;
      },
      30_000,
    );
    sim.setRunning(true);
    await waitFor('events from the first gateway process', async () => (await publishedDeltas()) > 50, 20_000);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    // The line keeps running while no gateway reads it.
    await sleep(1_000);
    metricsPort = await freePort();
    startProcess();
    await sleep(2_000);
    sim.setRunning(false);
    let got = 0;
    await waitFor('deltas to reach the produced count', async () => (got = await publishedDeltas()) === produced(), 20_000).catch(() => undefined);
    expect(got).toBe(produced());
    expect(produced()).toBeGreaterThan(150);
    const ids = (await readMachineEvents(rig.jsm)).map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
