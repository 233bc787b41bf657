export * from './binaries.js';
export * from './connection.js';
export * from './server.js';
