import { existsSync } from 'node:fs';

/** Where Debian and others install Chromium; CHROMIUM_PATH names another. */
const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

/**
 * The installed Chromium the browser tests drive (playwright-core launches it; it downloads none).
 * Undefined when there is none: outside CI the browser tests are then skipped with `NO_BROWSER`; in
 * CI (`CI=true`, where .ci/run installs Debian's `chromium`) they fail instead of passing unseen.
 */
export function findChromium(): string | undefined {
  const named = process.env.CHROMIUM_PATH;
  if (named !== undefined && named !== '') return existsSync(named) ? named : undefined;
  return CANDIDATES.find((path) => existsSync(path));
}

/** The one line a skipped browser test gives. */
export const NO_BROWSER =
  'no Chromium found (looked for CHROMIUM_PATH, /usr/bin/chromium...): install it (apt-get install chromium) to run the browser tests';

/** True when the browser tests must run: in CI a missing browser is a failure, not a skip. */
export const BROWSER_REQUIRED = process.env.CI === 'true' || process.env.CI === '1';
