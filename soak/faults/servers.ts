import { killAndRestart, type ServerName } from '../servers.js';
import type { Fault } from '../schedule.js';
import type { FaultContext, FaultOutcome } from './context.js';

/** `kill:nats|temporal|postgres`: SIGKILL the server (and its children), start it again on its data and port. */
export async function killServer(ctx: FaultContext, f: Fault): Promise<FaultOutcome> {
  const which = f.kind.slice('kill:'.length) as ServerName;
  const t0 = Date.now();
  const killed = await killAndRestart(ctx.stack, ctx.dataDir, which, f.downMs ?? 0);
  return { ok: killed > 0, detail: `${which}: ${killed} processes killed, back after ${Date.now() - t0} ms` };
}
