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
