export { axeViolations, chromiumPath, launchChromium } from './browser.js';
export { freshDatabaseUrl, type IntegrationFixtures, integrationTest, quietLogger, storeFor, uniqueName } from './fixtures.js';
export { freePort, freeServerPort } from './free-port.js';
export { correctedRevision, generatedRevision, withdrawnRevision } from './generated-revisions.js';
export { keyedBy, type ReadTopicOptions, readTopic } from './read-topic.js';
export { type ResolvedServers, resolveServers, type TestServers } from './test-servers.js';
export { testTopic } from './test-topic.js';
export { waitFor } from './wait-for.js';
