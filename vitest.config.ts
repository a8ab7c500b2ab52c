import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{packages,services,infra}/*/src/**/*.test.ts', 'infra/src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['packages/testing/src/global-setup.ts'],
    // Integration tests wait on real brokers and JVMs; 2 cores are shared with them.
    testTimeout: 60_000,
    hookTimeout: 300_000,
    maxWorkers: 2,
    reporters: ['default'],
    // The AWS SDK's notice about Node 22 says nothing about this project's behaviour.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
