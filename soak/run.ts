import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { Client, Connection } from '@temporalio/client';
import { DEFAULT_SHIFT_LATE_GRACE_S } from '../contracts/shift-time.js';
import { issueToken } from '../api/auth.js';
import { createDb } from '../db/client.js';
import { migrateMes } from '../db/migrate.js';
import { seedPlant } from '../db/seed.js';
import { provisionStreams } from '../jetstream/provision.js';
import { loadPlantModel } from '../seed/plant-file.js';
import { startOpcuaLine, type SimLine } from '../simulators/opcua-line/server.js';
import { freePort } from '../stack/free-port.js';
import { startStack, type Stack } from '../stack/index.js';
import { connectNats } from '../workers/wiring/nats.js';
import { closeOrders, pipelineIdle, until } from './drain.js';
import { soakErp } from './erp.js';
import { gatherEvidence } from './evidence.js';
import { FaultRunner } from './faults/index.js';
import { RecentEvents } from './faults/recent-events.js';
import { checkInvariants } from './invariants.js';
import { readOptions } from './options.js';
import { OrderBook } from './orders.js';
import { SITE, SITE_TIME_ZONE, soakSimOptions, writeSoakPlant } from './plant.js';
import { soakShiftCalendar } from './shift-calendar.js';
import { closeShifts } from './shifts.js';
import { enginePart } from './parts.js';
import { Inspector } from './quality.js';
import { drawSchedule, scheduleHash } from './schedule.js';
import { serverPids } from './servers.js';
import { Supervisor } from './supervisor.js';
import { summarize } from './summary.js';

/**
 * `npm run soak`: the whole engine under chaos (issue 16). Embedded servers, every engine process on its own, the
 * simulated plant producing, orders released over NATS to an ERP (the built-in simulator, or the SAP S/4HANA double
 * with `SOAK_ERP=s4hana`); faults fire as the seed's schedule says; then the plant stops, everything drains, and the
 * invariants are checked against the ERP's books, read through its adapter. The last stdout line is the JSON summary;
 * the exit code is 1 on any violation (2 when the soak itself could not run).
 */
const opts = readOptions(process.argv.slice(2), process.env);
const durationMs = Math.round(opts.minutes * 60_000);
const schedule = drawSchedule({ seed: opts.seed, durationMs, perMinute: opts.perMinute, kinds: opts.kinds });
const hash = scheduleHash(schedule);
const t00 = Date.now();
// Short shifts close during the run when their late grace is short too; events later than it are the shift's no more.
const SHIFT_LATE_GRACE_S = 30;
// The calendar covers the run and what comes around it: the engine's start (at most 4 min) and the drain.
const CALENDAR_MARGIN_MS = 30 * 60_000;
const calendar = opts.shiftMinutes > 0
  ? soakShiftCalendar({ site: SITE, timeZone: SITE_TIME_ZONE, fromMs: t00, coverMs: durationMs + CALENDAR_MARGIN_MS, shiftMinutes: opts.shiftMinutes })
  : undefined;
const log = (msg: string) => process.stdout.write(`[soak +${Math.round((Date.now() - t00) / 1000)}s] ${msg}\n`);

log(`seed ${opts.seed} (replay: SOAK_ERP=${opts.erp} SOAK_SEED=${opts.seed} SOAK_MINUTES=${opts.minutes} npm run soak), ${opts.minutes} min, ${schedule.length} faults, schedule hash ${hash}`);

const cleanups: Array<() => Promise<unknown>> = [];
let interrupted = false;
const cleanup = async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch((err: Error) => log(`cleanup: ${err.message}`));
};
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.once(sig, () => {
    interrupted = true;
    log(`${sig}: stopping everything`);
    void cleanup().finally(() => process.exit(130));
  });

async function main(): Promise<number> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `mes-soak-${opts.seed}-`));
  await chmod(dataDir, 0o755); // PostgreSQL runs as user postgres when we are root
  const logDir = path.join(dataDir, 'logs');
  await mkdir(logDir);
  log(`data and logs in ${dataDir}`);
  let keep = opts.keep;
  cleanups.push(async () => (keep ? log(`kept ${dataDir}`) : rm(dataDir, { recursive: true, force: true })));

  const stack: Stack = await startStack({ dataDir });
  cleanups.push(() => stack.stop());
  const sim: SimLine = await startOpcuaLine(soakSimOptions(opts.seed, path.join(dataDir, 'opcua-sim-pki')));
  cleanups.push(() => sim.stop());
  const plantFile = path.join(dataDir, 'soak-plant.yaml');
  await writeSoakPlant(plantFile, sim.endpoint, calendar);
  if (calendar) log(`shifts of ${opts.shiftMinutes} min from ${calendar.versions[0]!.validFrom}, ${calendar.versions[0]!.shifts.length} of them; late grace ${SHIFT_LATE_GRACE_S} s`);
  const plant = await loadPlantModel(plantFile);

  const db = createDb(stack.postgres.url, 4);
  cleanups.push(() => db.$client.end());
  await migrateMes(db);
  await seedPlant(db, plant);
  const token = await issueToken(db, 'soak-inspector', 'quality');

  const ports = {
    api: await freePort(), bridge: await freePort(), edge: await freePort(),
    metrics: { worker: await freePort(), temporal: await freePort(), api: await freePort(), listener: await freePort() },
  };
  const erp = soakErp(opts.erp, await freePort());
  log(`ERP: ${erp.describe}`);
  const apiUrl = `http://127.0.0.1:${ports.api}`;
  const supervisor = new Supervisor(logDir, process.env);
  cleanups.push(() => supervisor.stopAll());
  for (const p of enginePart({ stack, dataDir, plantFile, erp, ports, shiftLateGraceS: calendar ? SHIFT_LATE_GRACE_S : undefined })) supervisor.add(p);
  supervisor.startAll();

  const nc = await connectNats({ url: stack.nats.url, user: stack.nats.user, password: stack.nats.password }, 'soak');
  cleanups.push(() => nc.close());
  await provisionStreams(await jetstreamManager(nc)); // the releases go out before any engine process has provisioned
  const recent = new RecentEvents();
  recent.start(nc);
  const connection = await Connection.connect({ address: stack.temporal.address });
  cleanups.push(() => connection.close());
  const client = new Client({ connection, namespace: stack.temporal.namespace });

  const book = new OrderBook({ seed: opts.seed, nc, pool: db.$client, perLine: opts.ordersPerLine, log });
  cleanups.push(async () => book.stop());
  const inspector = new Inspector({ seed: opts.seed, apiUrl, token, book, everyMs: 15_000, log });
  cleanups.push(async () => inspector.stop());

  // Ready: the first orders are in the read model (listener and worker work), the API answers, and the edge has every
  // counter's first reading: a counter's first reading is its baseline, so a piece made before it is no one's.
  await book.start();
  const counterTags = plant.sites.flatMap((s) => s.lines.flatMap((l) => l.machines.flatMap((m) => m.opcua?.tags.filter((t) => t.kind === 'counter') ?? []))).length;
  const edgeMetric = async (re: RegExp) => Number(re.exec(await (await fetch(`http://127.0.0.1:${ports.edge}/metrics`)).text())?.[1] ?? NaN);
  const ready = await until('the engine to start', async () => {
    const st = await book.statuses();
    const api = await fetch(`${apiUrl}/health`).then((r) => r.ok, () => false);
    const counterReadings = await edgeMetric(/^mes_edge_changes_total\{kind="counter"\} (\S+)/m);
    return api && counterReadings >= counterTags && book.releases.every((r) => st.has(r.erpOrderId));
  }, { timeoutMs: 240_000, log });
  if (!ready) throw new Error('the engine did not start: see the logs');
  log('engine ready: production starts');

  const runner = new FaultRunner({ stack, dataDir, supervisor, erpUrl: erp.url, sim, nc, recent, releases: book.releases, log });
  sim.setRunning(true);
  inspector.start();
  const t0 = Date.now();
  for (const f of schedule) {
    const wait = t0 + f.atMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (interrupted) return 130;
    runner.fire(f, Date.now() - t0);
  }
  const left = t0 + durationMs - Date.now();
  if (left > 0) await new Promise((r) => setTimeout(r, left));

  // Stop the plant, let every fault end, and drain.
  book.stop();
  inspector.stop();
  sim.setRunning(false);
  const tStop = Date.now();
  log('production stopped: faults settle, then the drain');
  await runner.settle();
  await runner.erp.clear();
  const edgeIdle = async () => {
    const m = await (await fetch(`http://127.0.0.1:${ports.edge}/metrics`)).text();
    const g = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(m)?.[1] ?? NaN);
    return g('mes_edge_buffer_events') === 0 && g('mes_edge_endpoints_connected') === g('mes_edge_endpoints_configured');
  };
  const idle = () => until('the pipeline to drain', async () => (await edgeIdle()) && (await pipelineIdle(nc, db.$client)), { timeoutMs: 300_000, stableFor: 5, log });
  await new Promise((r) => setTimeout(r, 5_000)); // the edge's last counter window
  await idle();
  await until('quality holds to be released', async () => inspector.pending() === 0, { timeoutMs: 120_000, log });
  const { phases, plannerFixes } = await closeOrders(client, book.releases, { timeoutMs: 300_000, log, rerelease: (r) => book.rerelease(r) });
  await idle(); // counts that reached a closing order go on to unassigned production
  // Shifts that ended close a late grace after their end and post their downtime then.
  const shifts = await closeShifts(client, { site: SITE, lateGraceMs: (calendar ? SHIFT_LATE_GRACE_S : DEFAULT_SHIFT_LATE_GRACE_S) * 1000, log });
  const drainMs = Date.now() - tStop;
  log(`drained in ${Math.round(drainMs / 1000)} s; checking`);

  const evidence = await gatherEvidence({ sim, erp: erp.adapter(), pool: db.$client, client, releases: book.releases, phases, shifts, apiUrl, token });
  // How much of the ERP the checks read, so a pass on empty books shows as such.
  log(`ERP books read through the ${erp.kind} adapter: ${Object.values(evidence.erp.orders).flat().length} order documents, ${evidence.erp.keys.length} MES ledger keys looked up, ${evidence.erp.downtime.length} downtime records, ${evidence.shifts.reduce((n, x) => n + x.documents.length, 0)} downtime keys of closed shifts`);
  const lost = erp.booksLost(supervisor.stats()[erp.part.name]?.starts ?? 0);
  const violations = [...(lost ? [lost] : []), ...checkInvariants(evidence)];
  const erpFaultCounts = await runner.erp.counts().catch(() => ({}));
  for (const v of violations) log(`VIOLATION ${v}`);
  if (violations.length > 0) keep = true;

  await cleanup();
  const leftover = [...supervisor.pids(), ...serverPids(dataDir)];
  for (const pid of leftover) process.kill(pid, 'SIGKILL');
  const summary = summarize({ opts, erp: erp.describe, hash, schedule, outcomes: runner.outcomes, evidence, violations, drainMs, recentSeen: recent.seen, supervisor: supervisor.stats(), erpFaultCounts, plannerFixes, leftover, dataDir: keep ? dataDir : undefined });
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  return violations.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  async (err: Error) => {
    log(`soak failed: ${err.stack ?? err.message}`);
    await cleanup();
    process.stdout.write(`${JSON.stringify({ seed: opts.seed, scheduleHash: hash, error: err.message })}\n`);
    process.exit(2);
  },
);
