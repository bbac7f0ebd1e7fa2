import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * Slack's method reference (../shared/specs/slack-methods-ref.json, a scrape of docs.slack.dev): each
 * method's arguments, which are required, and its errors. The fake checks every call against it, so
 * the adapter cannot drift into arguments Slack does not take.
 */
interface MethodSpec {
  args?: { properties?: Record<string, unknown>; required?: string[] };
  errors?: Record<string, unknown>;
}

/** The shared/ folder is a sibling of the repository (found from here, so it works from dist/ too). */
function specPath(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    if (dirname(dir) === dir) throw new Error('fake Slack: no package.json above the fake');
    dir = dirname(dir);
  }
  return resolve(dir, '../shared/specs/slack-methods-ref.json');
}

let methods: Record<string, MethodSpec> | undefined;

function spec(): Record<string, MethodSpec> {
  methods ??= (JSON.parse(readFileSync(specPath(), 'utf8')) as { methods: Record<string, MethodSpec> })
    .methods;
  return methods;
}

/**
 * Arguments every method takes although the reference does not list them: `team_id` is added by the
 * Web API client when it was made for one workspace (Bolt's per-event clients are).
 */
const UNIVERSAL_ARGS = new Set(['token', 'team_id']);

/** Problems with one call's arguments; empty when it matches the reference. */
export function checkArguments(
  method: string,
  args: Readonly<Record<string, unknown>>,
  hasToken: boolean,
): string[] {
  const entry = spec()[method];
  if (!entry) return [`${method}: not a Slack method`];
  const known = new Set(Object.keys(entry.args?.properties ?? {}));
  const problems: string[] = [];
  for (const name of entry.args?.required ?? []) {
    if (name === 'token' ? !hasToken : args[name] === undefined) problems.push(`${method}: missing ${name}`);
  }
  for (const name of Object.keys(args)) {
    if (!known.has(name) && !UNIVERSAL_ARGS.has(name)) problems.push(`${method}: unknown argument ${name}`);
  }
  return problems;
}

/** Whether Slack documents `error` for `method`, or any method may answer it (Slack's common errors). */
export function documentsError(method: string, error: string): boolean {
  return Object.hasOwn(spec()[method]?.errors ?? {}, error) || UNIVERSAL_ERRORS.has(error);
}

/** Errors any method can return (Slack's "common errors"). */
const UNIVERSAL_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'ratelimited',
  'missing_scope',
  'invalid_arguments',
  'unknown_method',
  'internal_error',
  'fatal_error',
]);
