import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { closedPort } from '../src/testing.js';

const connect = (port: number) =>
  new Promise<string>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve('connected')));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });

const listen = (port: number) =>
  new Promise<string>((resolve) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve('listening')));
  });

describe('closedPort', () => {
  it('refuses connections, and no server can listen on it until it is released', async () => {
    const closed = await closedPort();
    expect(await connect(closed.port)).toBe('ECONNREFUSED');
    expect(await listen(closed.port)).toBe('EADDRINUSE');
    await closed.release();
    expect(await listen(closed.port)).toBe('listening');
  });
});
