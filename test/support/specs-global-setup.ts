import { SPECS_SKIPPED, specsPresent } from '../fakes/shared/specs.js';

/**
 * Vitest global setup: says once per run, not once per test, that the spec checks were skipped because
 * ../shared/specs is not beside the project (a plain clone). It says so at the end of the run, under
 * the count of skipped tests it explains; the skipped tests carry the reason in their names.
 */
export default function reportMissingSpecs(): () => void {
  return () => {
    if (specsPresent()) return;
    const skipped = 'the tests marked "(skipped: needs ../shared/specs)" did not run';
    console.warn(`\n${SPECS_SKIPPED}; the fakes ran unchecked and ${skipped}\n`);
  };
}
