export { createPool, withTransaction, ensureDatabase, migrate, sqlFilesIn, type Pool, type PoolClient } from './database.js';
