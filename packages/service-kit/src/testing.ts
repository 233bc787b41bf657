import net from 'node:net';
import { LOCAL_HOST } from './ports.js';

/** A port on the loopback interface where nothing listens, and nothing can start to while it is held. */
export interface ClosedPort {
  port: number;
  /** Lets the port go. */
  release(): Promise<void>;
}

/**
 * A port every connection to is refused, as to a killed service. A port merely taken and let go
 * can be taken again by any process on a busy machine; this one is the local end of a connection
 * kept open, so no server can listen on it until `release()`.
 */
export async function closedPort(): Promise<ClosedPort> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, LOCAL_HOST, resolve));
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const client = net.connect((server.address() as net.AddressInfo).port, LOCAL_HOST);
  await new Promise<void>((resolve, reject) => client.once('connect', resolve).once('error', reject));
  const serverEnd = await accepted;
  return {
    port: client.localPort!,
    release: async () => {
      // The server's end closes first, so the wait after the close (TIME_WAIT) is on its port, not this one.
      const clientClosed = new Promise((resolve) => client.once('close', resolve));
      serverEnd.destroy();
      await new Promise((resolve) => client.once('end', resolve));
      client.destroy();
      await clientClosed;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
