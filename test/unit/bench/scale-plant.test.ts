import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { pidsNaming, treeCpuSeconds } from '../../../bench/_proc-tree.js';
import { countEvents, generatedPlant, releaseOf } from '../../../bench/_scale-plant.js';
import { MachineEventMessage } from '../../../contracts/messages/machine-event.js';
import { OrderReleased } from '../../../contracts/messages/order-release.js';

describe('scale bench plant', () => {
  it('generates a valid plant of a thousand lines, one machine and cost center each', () => {
    const plant = generatedPlant(1_000);
    const lines = plant.sites[0]!.lines;
    expect(lines).toHaveLength(1_000);
    expect(new Set(lines.map((l) => l.costCenter)).size).toBe(1_000);
    expect(new Set(lines.flatMap((l) => l.machines.map((m) => m.code))).size).toBe(1_000);
  });

  it('releases and events that the engine accepts', () => {
    expect(OrderReleased.safeParse(releaseOf(999)).success).toBe(true);
    expect(MachineEventMessage.safeParse({ v: 1, events: countEvents(999, 40, 20) }).success).toBe(true);
  });
});

describe.runIf(process.platform === 'linux')('process-tree CPU', () => {
  it('finds processes by a marker in their command line and counts their children', async () => {
    const marker = `scale-proc-test-${process.pid}`;
    // A shell that names the marker and burns CPU in a child of its own; its own process group, killed as one.
    const sh = spawn('sh', ['-c', `: ${marker}; sh -c 'while :; do :; done' & wait`], { detached: true, stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const pids = pidsNaming(marker);
      expect(pids).toContain(sh.pid);
      const a = treeCpuSeconds(pids);
      await new Promise((r) => setTimeout(r, 500));
      expect(treeCpuSeconds(pids)).toBeGreaterThan(a);
    } finally {
      process.kill(-sh.pid!, 'SIGKILL');
    }
  });
});
