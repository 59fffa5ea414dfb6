import { PlantModel } from '../contracts/messages/plant-model.js';
import type { OrderReleased } from '../contracts/messages/order-release.js';
import type { MachineEvent } from '../contracts/messages/machine-event.js';
import { pidsNaming, treeCpuSeconds } from './_proc-tree.js';

// The scale bench's generated plant, its orders and events, and the CPU readings of the servers it runs on.

export const SITE = 'plant1';
export const TIMEZONE = 'Europe/Berlin';
export const lineCode = (i: number): string => `line-${i + 1}`;
export const machineCode = (i: number): string => `m-${i + 1}`;
export const erpOrderIdOf = (i: number): string => String(8_000_001 + i);

/** One site, `n` lines, each with one machine and its own cost center; one material without a BOM. */
export function generatedPlant(n: number): PlantModel {
  const lines = Array.from({ length: n }, (_, i) => ({
    code: lineCode(i),
    name: `Line ${i + 1}`,
    costCenter: `CC${String(i + 1).padStart(5, '0')}`,
    erpPlant: '1010',
    storageLocation: '0001',
    machines: [{ code: machineCode(i), name: `Machine ${i + 1}` }],
  }));
  return PlantModel.parse({
    v: 1,
    sites: [{ code: SITE, name: `Scale plant of ${n} lines`, timezone: TIMEZONE, costCenters: lines.map((l) => ({ code: l.costCenter, name: l.name })), lines }],
    materials: [{ code: 'PART-S', description: 'Scale bench part', unit: 'PC' }],
  });
}

/** An open order per line: a quantity no bench reaches, no partial confirmations, so no ERP traffic meanwhile. */
export const releaseOf = (i: number): OrderReleased => ({
  v: 1, site: SITE, erpOrderId: erpOrderIdOf(i), material: 'PART-S', quantity: '1000000000', unit: 'PC',
  line: lineCode(i), operation: '0010', releasedAt: new Date().toISOString(),
});

/** `count` good-piece counter events of line `i`'s machine, ids unique per line and sequence. */
export const countEvents = (i: number, fromSeq: number, count: number): MachineEvent[] =>
  Array.from({ length: count }, (_, k) => ({
    v: 1, eventId: `${machineCode(i)}:good:${fromSeq + k}`, site: SITE, line: lineCode(i), machine: machineCode(i), tag: 'good',
    sourceTime: new Date().toISOString(), quality: 'good', kind: 'counter', counter: 'good', delta: 1, raw: fromSeq + k,
  }));

export type ServerName = 'temporal' | 'nats' | 'postgres';
export const SERVERS: ServerName[] = ['temporal', 'nats', 'postgres'];

/** The servers' process trees, found by their data dirs under the stack's dir (stack/index.ts names them so). */
export function serverPids(dir: string): Record<ServerName, number[]> {
  const found = Object.fromEntries(SERVERS.map((s) => [s, pidsNaming(`${dir}/${s}/`)])) as Record<ServerName, number[]>;
  for (const s of SERVERS) if (found[s].length === 0) throw new Error(`no ${s} process names ${dir}/${s}/ in its command line`);
  return found;
}

/** CPU-seconds so far: this process (engine and load generator) and each server. */
export interface CpuReading {
  engine: number;
  temporal: number;
  nats: number;
  postgres: number;
}

export function readCpu(pids: Record<ServerName, number[]>): CpuReading {
  const u = process.cpuUsage();
  return { engine: (u.user + u.system) / 1e6, temporal: treeCpuSeconds(pids.temporal), nats: treeCpuSeconds(pids.nats), postgres: treeCpuSeconds(pids.postgres) };
}

export const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
export const round = (x: number, digits = 2): number => Number(x.toFixed(digits));
