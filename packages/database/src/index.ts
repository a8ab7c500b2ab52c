export { createPool, ensureDatabase, migrate, type Pool, type PoolClient, sqlFilesIn, withTransaction } from './database.js';
