import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // Integration tests start DynamoDB Local (a JVM) and servers: give them room on 2 shared cores.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    // .ci/run reads the JSON report to print "N passed, N failed".
    reporters: ['default', 'json'],
    outputFile: { json: '.foreman/test-results.json' },
  },
});
