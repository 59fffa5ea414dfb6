import { freePort } from '../../stack/free-port.js';
import type { SoakErp } from '../../soak/erp.js';
import { enginePart, type PartServers } from '../../soak/parts.js';
import type { PartSpec } from '../../soak/supervisor.js';

/** The processes a plant runs in several copies (issue 15): each shares its durable, task queue or database rows. */
export const SCALED_PARTS = ['worker', 'erp-listener', 'bridge', 'api'] as const;

/**
 * The engine's processes (soak/parts.ts `enginePart`) with `copies` of each of SCALED_PARTS, named `<part>-<n>`
 * (`worker-1`, `worker-2`, ...), each copy on its own free metrics and HTTP ports; the ERP simulator and the edge
 * gateway once (one plant network, one ERP). `apiUrls` are the API copies' base URLs, in copy order.
 */
export async function partsInCopies(o: { stack: PartServers; dataDir: string; plantFile: string; erp: SoakErp; edgePort: number; copies: number }): Promise<{ parts: PartSpec[]; apiUrls: string[] }> {
  const parts: PartSpec[] = [];
  const apiUrls: string[] = [];
  const scaled = new Set<string>(SCALED_PARTS);
  for (let copy = 1; copy <= o.copies; copy++) {
    const ports = {
      api: await freePort(), bridge: await freePort(), edge: o.edgePort,
      metrics: { worker: await freePort(), temporal: await freePort(), api: await freePort(), listener: await freePort() },
    };
    apiUrls.push(`http://127.0.0.1:${ports.api}`);
    for (const p of enginePart({ stack: o.stack, dataDir: o.dataDir, plantFile: o.plantFile, erp: o.erp, ports })) {
      if (scaled.has(p.name)) parts.push({ ...p, name: `${p.name}-${copy}` });
      else if (copy === 1) parts.push(p);
    }
  }
  return { parts, apiUrls };
}
