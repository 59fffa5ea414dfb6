import type { FaultPlan } from '../../contracts/messages/erp-sim.js';
import { buildErpSimulator } from '../../simulators/erp/app.js';
import { SimLedger } from '../../simulators/erp/ledger.js';

/** Starts the ERP simulator on loopback; port 0 picks a free one. */
export async function startErpSimulator(opts: { databaseUrl: string; port?: number; faults?: Partial<FaultPlan>; hmacSecret?: string }) {
  const ledger = await SimLedger.open(opts.databaseUrl);
  const app = buildErpSimulator({ ledger, faults: opts.faults, hmacSecret: opts.hmacSecret });
  const address = await app.listen({ host: '127.0.0.1', port: opts.port ?? 0 });
  return {
    url: address,
    app,
    ledger,
    stop: async () => {
      await app.close();
      await ledger.close();
    },
  };
}
