import type { Fault } from '../schedule.js';
import type { FaultContext, FaultOutcome } from './context.js';

/** `kill:<part>`: SIGKILL an engine process; the supervisor starts it again after `downMs`. */
export async function killProcess(ctx: FaultContext, f: Fault): Promise<FaultOutcome> {
  const part = f.kind.slice('kill:'.length);
  await ctx.supervisor.kill(part, f.downMs ?? 0);
  return { ok: true, detail: `${part} down ${f.downMs ?? 0} ms` };
}
