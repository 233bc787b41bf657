export * from './binaries.js';
export * from './connection.js';
export * from './local-ports.js';
export * from './server.js';
export * from './temp-dir.js';
