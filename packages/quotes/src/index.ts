export * from './claims.js';
export * from './sign.js';
export * from './verify.js';
