import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import getPort from 'get-port';

/**
 * A free TCP port on loopback; every server the stack starts listens on 127.0.0.1 only. A preferred port (the
 * well-known one, for `npm start`) is taken when free, else any free port.
 */
export const freePort = (preferred?: number): Promise<number> =>
  getPort({ host: '127.0.0.1', ...(preferred ? { port: preferred } : {}) });

/**
 * Exactly this port, waiting up to `timeoutMs` for a previous holder to let go (a server restarting on its own
 * port): clients keep its address, so silently moving elsewhere would strand them.
 */
export async function exactPort(port: number, timeoutMs = 15_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  // Not get-port here: it keeps ports it handed out locked for a while, which is right for new ports only.
  const isFree = () =>
    new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
  while (!(await isFree())) {
    if (Date.now() > deadline) throw new Error(`port 127.0.0.1:${port} is still in use after ${timeoutMs / 1000} s`);
    await sleep(100);
  }
  return port;
}
