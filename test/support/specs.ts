import { describe, it, type TestFunction } from 'vitest';
import { specsPresent } from '../fakes/shared/specs.js';

/**
 * The shared setup of the tests that check the fakes against ../shared/specs. Where the folder is
 * absent (a plain clone), those tests skip, named so that the reason shows beside each, and the run
 * says so once (specs-global-setup.ts); every other test runs as usual, the fakes unchecked.
 */

const present = specsPresent();

/** A skipped spec test carries the reason in its name. */
const named = (name: string): string => (present ? name : `${name} (skipped: needs ../shared/specs)`);

/** `describe` for a group of tests that check the fakes against the specs. */
export function describeSpecs(name: string, body: () => void): void {
  describe.skipIf(!present)(named(name), body);
}

/** `it` for a test that checks the fakes against the specs. */
export function itSpecs(name: string, body: TestFunction, timeout?: number): void {
  it.skipIf(!present)(named(name), body, timeout);
}

/**
 * A spec check inside a test of behaviour ("... and the traffic matches the spec"): run where the
 * specs are; where not, the behaviour is still tested and only this check is left out.
 */
export function specCheck(check: () => void): void {
  if (present) check();
}
