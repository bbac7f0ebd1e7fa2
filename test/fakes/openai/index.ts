/**
 * The fake OpenAI server for tests: the model server that ships with threadloom for the demo
 * (src/model-server), plus what only tests need (the spec checks in spec.ts and conformance.ts).
 */
export * from '../../../src/model-server/index.js';
