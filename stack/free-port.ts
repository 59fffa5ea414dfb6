import getPort from 'get-port';

/** A free TCP port on loopback; every server the stack starts listens on 127.0.0.1 only. */
export const freePort = (): Promise<number> => getPort({ host: '127.0.0.1' });
