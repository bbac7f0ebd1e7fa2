/** The fakes' way to wait for recorded state: the model server's own, shared by every fake. */
export * from '../../../src/model-server/wait-for-change.js';
