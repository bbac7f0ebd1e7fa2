import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The JSON report is what .ci/run counts; the default reporter is for people.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Says once per run when the spec checks skip (no ../shared/specs beside a plain clone).
    globalSetup: ['test/support/specs-global-setup.ts'],
    // `npm run coverage`: what the tests run of src/ (the bot in this process; the entry points that
    // tests spawn as processes are not measured). HTML in coverage/, a summary on the terminal.
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.test.ts'],
      reporter: ['text-summary', 'html'],
    },
  },
});
