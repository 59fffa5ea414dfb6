import path from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { PlantModel } from '../../contracts/messages/plant-model.js';
import { startGateway } from '../../edge/gateway.js';
import { startHealthServer } from '../../edge/health.js';
import { edgeMachines } from '../../edge/plant.js';
import { DEMO_OPCUA_PORT, demoSimMachines } from '../../simulators/opcua-line/config.js';
import { startOpcuaLine } from '../../simulators/opcua-line/server.js';
import { freePort } from '../../stack/free-port.js';

/**
 * `npm start`'s OPC UA part: the line simulator for every machine of the plant and the edge gateway reading it.
 * The demo plant names `opc.tcp://127.0.0.1:4841`; when that port is taken the simulator gets another and the
 * gateway is pointed there. The MES_EVENTS stream is already provisioned by `startServices` (provisionStreams).
 */
export async function startDemoEdge(o: { plant: PlantModel; nc: NatsConnection; dataDir: string; log: Logger; metricsPort?: number }) {
  const machines = edgeMachines(o.plant);
  const sim = await startOpcuaLine({
    port: await freePort(DEMO_OPCUA_PORT),
    certDir: path.join(o.dataDir, 'opcua-sim-pki'),
    machines: demoSimMachines(o.plant),
  });
  const demoEndpoint = `opc.tcp://127.0.0.1:${DEMO_OPCUA_PORT}`;
  const gateway = startGateway({
    machines: machines.map((m) => (m.opcua.endpoint === demoEndpoint ? { ...m, opcua: { ...m.opcua, endpoint: sim.endpoint } } : m)),
    js: jetstream(o.nc),
    log: o.log.child({ process: 'edge-gateway' }),
    bufferDir: path.join(o.dataDir, 'edge-buffer'),
    maxBufferEvents: 1_000_000,
    certDir: path.join(o.dataDir, 'edge-pki'),
    // Our own simulator on loopback; a plant's servers are trusted by moving their certificate to trusted/.
    trustUnknownServers: true,
  });
  const metricsPort = await freePort(o.metricsPort ?? 9464);
  const health = await startHealthServer(gateway.metrics, metricsPort);
  return {
    simEndpoint: sim.endpoint,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    stop: async () => {
      health.close();
      await gateway.stop();
      await sim.stop();
    },
  };
}
