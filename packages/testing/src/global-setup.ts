import type { TestProject } from 'vitest/node';
import { resolveServers } from './test-servers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    servers: import('./test-servers.js').TestServers;
  }
}

/** Once per test run: find or start the real servers and hand their addresses to every test file. */
export default async function setup(project: TestProject) {
  const { servers, teardown } = await resolveServers();
  project.provide('servers', servers);
  return teardown;
}
