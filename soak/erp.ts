import { randomBytes, randomInt } from 'node:crypto';
import { z } from 'zod';
import type { ErpAdapter } from '../contracts/erp-port.js';
import { createErpAdapter, type ErpAdapterConfig } from '../erp/index.js';
import { describeErp, ErpEnv, erpAdapterConfig } from '../workers/wiring/config.js';
import type { PartSpec } from './supervisor.js';

/** The ERPs a soak can post to (`SOAK_ERP`): the built-in simulator, or the SAP S/4HANA OData test double. */
export const SOAK_ERPS = ['sim', 's4hana'] as const;
export type SoakErpKind = (typeof SOAK_ERPS)[number];

/**
 * The ERP a soak runs against: the process that plays it, the environment every engine process reaches it with, and
 * an adapter for the checks configured from that same environment, so the checks read the ERP's books as the worker
 * and reconciliation do (through the port), whichever ERP it is.
 */
export interface SoakErp {
  kind: SoakErpKind;
  /** Its root URL; `/admin/faults` there takes the soak's fault plan on either (simulators/erp/fault-http.ts). */
  url: string;
  /** Its own supervised process; `env` is given to it on top of the engine's. */
  part: PartSpec;
  /** `MES_ERP_ADAPTER` and the settings it needs (workers/wiring/config.ts `ErpEnv`), credentials included. */
  env: Record<string, string>;
  /** An adapter configured as the workers' are. */
  adapter(): ErpAdapter;
  /** One line naming the ERP and where it is, never a secret (`describeErp`). */
  describe: string;
  /**
   * Why the ERP's books cannot be trusted after the run, or undefined: the SAP double keeps them in memory, so a
   * second start of its process lost every document before it.
   * @param starts how often the supervisor started its process.
   */
  booksLost(starts: number): string | undefined;
}

/**
 * The soak's ERP on loopback `port`. The SAP double logs on with a user, password and client drawn for this run only
 * (no secret in the repository); the engine's processes get them in their environment as a plant's would.
 * @throws InvalidInput when the settings would not parse as a worker's (a defect of this function).
 */
export function soakErp(kind: SoakErpKind, port: number): SoakErp {
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> =
    kind === 'sim'
      ? { MES_ERP_ADAPTER: 'sim', MES_ERP_SIM_URL: url }
      : {
          MES_ERP_ADAPTER: 's4hana',
          SAP_BASE_URL: url,
          SAP_CLIENT: String(randomInt(100, 1000)),
          SAP_USER: `SOAK_${randomBytes(3).toString('hex').toUpperCase()}`,
          SAP_PASSWORD: randomBytes(18).toString('base64url'),
        };
  const config: ErpAdapterConfig = erpAdapterConfig(z.object(ErpEnv).parse(env));
  const part: PartSpec =
    kind === 'sim'
      ? { name: 'erp-sim', script: 'workers/erp-simulator.ts', env: { MES_ERP_SIM_PORT: String(port) } }
      : { name: 'sap-double', script: 'soak/sap-double.ts', env: { SOAK_SAP_PORT: String(port) } };
  return {
    kind,
    url,
    part,
    env,
    adapter: () => createErpAdapter(config),
    describe: describeErp(config),
    // The simulator's ledger is in PostgreSQL and outlives its process.
    booksLost: (starts) => (kind === 's4hana' && starts > 1 ? `the SAP double's process started ${starts} times: its in-memory books lost every document before the last start` : undefined),
  };
}
