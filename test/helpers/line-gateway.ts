import path from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { MACHINE_REFRESH_MS } from '../../bridge/context.js';
import type { PlantModel } from '../../contracts/messages/plant-model.js';
import { seedPlant } from '../../db/seed.js';
import { startGateway, type Gateway } from '../../edge/gateway.js';
import { edgeMachines } from '../../edge/plant.js';
import { connectNats } from '../../workers/wiring/nats.js';
import { edgeLog } from './edge.js';
import type { TestEngine } from './engine.js';

/**
 * The edge gateway reading one line of a seeded plant and publishing to the engine's NATS on its own connection, as
 * the gateway process does: its buffer and PKI under `dir`, unknown OPC UA servers trusted (the simulator's
 * certificate is made at its start). The caller stops the gateway and closes the connection.
 */
export async function startLineGateway(engine: TestEngine, plant: PlantModel, line: string, dir: string, maxBufferEvents: number): Promise<{ gateway: Gateway; nc: NatsConnection }> {
  const nats = engine.stack.nats;
  const nc = await connectNats({ url: nats.url, user: nats.user, password: nats.password }, 'edge-gateway');
  const gateway = startGateway({
    machines: edgeMachines(plant).filter((m) => m.ref.line === line),
    js: jetstream(nc),
    log: edgeLog,
    bufferDir: path.join(dir, 'buffer'),
    maxBufferEvents,
    certDir: path.join(dir, 'pki-gateway'),
    trustUnknownServers: true,
  });
  return { gateway, nc };
}

/**
 * Seeds the plant and answers a wait for the bridge to know its machines: the bridge reloads its machine list every
 * MACHINE_REFRESH_MS (bridge/context.ts), and a piece from a machine it does not know yet becomes unassigned production.
 * Call the wait after the rest of the set-up, just before the first pieces.
 */
export async function seedPlantForBridge(engine: TestEngine, plant: PlantModel): Promise<{ bridgeKnowsMachines: () => Promise<void> }> {
  await seedPlant(engine.services.db, plant);
  const seededAt = Date.now();
  return { bridgeKnowsMachines: async () => void (await sleep(Math.max(0, seededAt + MACHINE_REFRESH_MS + 500 - Date.now()))) };
}
