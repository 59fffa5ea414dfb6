import getPort from 'get-port';

/**
 * A free TCP port on loopback; every server the stack starts listens on 127.0.0.1 only. A preferred port (the
 * well-known one, for `npm start`) is taken when free, else any free port.
 */
export const freePort = (preferred?: number): Promise<number> =>
  getPort({ host: '127.0.0.1', ...(preferred ? { port: preferred } : {}) });
