import path from 'node:path';
import { z } from 'zod';
import { parseJson, parseOrThrow } from '../contracts/parse.js';
import { loadPlantModel } from '../seed/plant-file.js';
import { DEMO_OPCUA_PORT, demoSimMachines, SimLineOptions } from '../simulators/opcua-line/config.js';
import { startOpcuaLine } from '../simulators/opcua-line/server.js';
import { defaultDataDir, projectRoot } from '../stack/paths.js';
import { runProcess } from './wiring/lifecycle.js';
import { createLogger, logLevel } from './wiring/logger.js';

const SimEnv = z.object({
  MES_PLANT_FILE: z.string().default(path.join(projectRoot, 'seed', 'demo-plant.yaml')),
  MES_OPCUA_SIM_PORT: z.coerce.number().int().min(0).max(65535).default(DEMO_OPCUA_PORT),
  MES_OPCUA_SIM_SPEED: z.coerce.number().positive().default(1),
  MES_OPCUA_SIM_CERT_DIR: z.string().default(path.join(defaultDataDir, 'opcua-sim-pki')),
  /** A whole SimLineOptions as JSON (benches and tests); else every machine of the plant file with demo settings. */
  MES_OPCUA_SIM_CONFIG: z.string().optional(),
  /** `true`: stop when stdin closes, so a parent (a bench) that dies cannot leave this server running. */
  MES_OPCUA_SIM_STDIN_LIFELINE: z.enum(['true', 'false']).default('false'),
});

/** The OPC UA line simulator process. Prints `{"endpoint": ...}` as its first stdout line so a parent can connect. */
const log = createLogger('opcua-line-sim', logLevel(process.env.MES_LOG_LEVEL));
runProcess('opcua-line-sim', log, async () => {
  const env = parseOrThrow(SimEnv, process.env, 'environment');
  const options = env.MES_OPCUA_SIM_CONFIG
    ? parseOrThrow(SimLineOptions, parseJson(env.MES_OPCUA_SIM_CONFIG, 'MES_OPCUA_SIM_CONFIG'), 'MES_OPCUA_SIM_CONFIG')
    : {
        port: env.MES_OPCUA_SIM_PORT,
        speed: env.MES_OPCUA_SIM_SPEED,
        certDir: env.MES_OPCUA_SIM_CERT_DIR,
        machines: demoSimMachines(await loadPlantModel(env.MES_PLANT_FILE)),
      };
  const sim = await startOpcuaLine(options);
  if (env.MES_OPCUA_SIM_STDIN_LIFELINE === 'true') process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM')).resume();
  process.stdout.write(`${JSON.stringify({ endpoint: sim.endpoint })}\n`);
  log.info({ endpoint: sim.endpoint, machines: options.machines.length }, 'OPC UA line simulator listening');
  return async () => void (await sim.stop());
});
