import { z } from 'zod';
import { parseOrThrow } from '../contracts/parse.js';
import { buildSapDouble } from '../simulators/sap-odata/app.js';
import { runProcess } from '../workers/wiring/lifecycle.js';
import { createLogger, logLevel } from '../workers/wiring/logger.js';

/**
 * The SAP S/4HANA test double as a process of its own for `SOAK_ERP=s4hana`, as the ERP simulator is one for the
 * default: the soak supervises it and sets its faults with `PUT /admin/faults`. It logs on the user the soak drew for
 * the run (the same SAP_* variables the worker reads) and keeps its books in memory (soak/erp.ts `booksLost`).
 */
const Env = z.object({
  SOAK_SAP_PORT: z.coerce.number().int().min(1).max(65535),
  SAP_USER: z.string().min(1),
  SAP_PASSWORD: z.string().min(1),
  SAP_CLIENT: z.string().regex(/^\d{3}$/),
});

const log = createLogger('sap-double', logLevel(process.env.MES_LOG_LEVEL));
runProcess('sap-double', log, async () => {
  const env = parseOrThrow(Env, process.env, 'environment');
  const sap = buildSapDouble({ user: env.SAP_USER, password: env.SAP_PASSWORD, client: env.SAP_CLIENT });
  const url = await sap.listen({ host: '127.0.0.1', port: env.SOAK_SAP_PORT });
  // warn: the soak runs its processes at that level, and this line says where the books are.
  log.warn({ listening: url }, 'SAP double listening');
  return async () => {
    log.warn({ counts: sap.faults.counts, csrf: sap.csrf }, 'SAP double stopping');
    await sap.close();
  };
});
