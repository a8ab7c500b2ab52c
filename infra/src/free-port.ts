import { once } from 'node:events';
import { createServer } from 'node:net';

/** A loopback port nobody listens on right now, for a server whose URL must be known before it starts. */
export const freePort = async (): Promise<number> => {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  return typeof address === 'object' && address ? address.port : 0;
};

const listens = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/**
 * A free port below Linux's ephemeral range (32768+), for a server that is restarted during a test: while it is down,
 * a client reconnecting to an ephemeral-range port can be handed that very port as its own and connect to itself,
 * and the restarted server finds its port taken.
 */
export const freeServerPort = async (): Promise<number> => {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await listens(port)) return port;
  }
};
