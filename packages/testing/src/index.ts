export { integrationTest, uniqueName, quietLogger, storeFor, freshDatabaseUrl, type IntegrationFixtures } from './fixtures.js';
export { resolveServers, type TestServers, type ResolvedServers } from './test-servers.js';
export { waitFor } from './wait-for.js';
export { readTopic } from './read-topic.js';
