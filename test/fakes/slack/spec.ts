import { readFileSync } from 'node:fs';
import { specPath, specsPresent } from '../shared/specs.js';

/**
 * Slack's method reference (../shared/specs/slack-methods-ref.json, a scrape of docs.slack.dev): each
 * method's arguments, which are required, and its errors. The fake checks every call against it, so
 * the adapter cannot drift into arguments Slack does not take. Without ../shared/specs (a plain clone)
 * every call passes and every error counts as documented: the fake serves the same, unchecked.
 */
interface MethodSpec {
  args?: { properties?: Record<string, unknown>; required?: string[] };
  errors?: Record<string, unknown>;
}

let methods: Record<string, MethodSpec> | undefined;

/** The reference's methods; undefined where ../shared/specs is absent (a plain clone checks nothing). */
function spec(): Record<string, MethodSpec> | undefined {
  if (!specsPresent()) return undefined;
  methods ??= (
    JSON.parse(readFileSync(specPath('slack-methods-ref.json'), 'utf8')) as {
      methods: Record<string, MethodSpec>;
    }
  ).methods;
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
  const reference = spec();
  if (!reference) return [];
  const entry = reference[method];
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
  const reference = spec();
  if (!reference) return true;
  return Object.hasOwn(reference[method]?.errors ?? {}, error) || UNIVERSAL_ERRORS.has(error);
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
