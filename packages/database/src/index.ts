export * from './sql.js';
export * from './statements.js';
export * from './migrate.js';
export * from './database.js';
export * from './service-database.js';
