import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { specPath } from '../shared/specs.js';

/**
 * Slack's own OpenAPI document (../shared/specs/slack-web-openapi.json, Swagger 2.0, content from
 * 2020): the response schema of each method it has. It lacks the newer methods (streams, external
 * uploads), which spec.ts checks against the method reference instead; for the methods it does have,
 * the fake's answers are validated here, so they keep Slack's field names and types.
 */

type JsonObject = { [key: string]: unknown };

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Points `#/definitions/...` at the document registered as `slack`. */
function rebase(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rebase);
  if (!isObject(node)) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' ? value.replace(/^#\//, 'slack#/') : rebase(value),
    ]),
  );
}

let loaded: { paths: JsonObject; ajv: Ajv; cache: Map<string, ValidateFunction> } | undefined;

function load() {
  if (loaded) return loaded;
  const doc = JSON.parse(readFileSync(specPath('slack-web-openapi.json'), 'utf8')) as JsonObject;
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  ajv.addFormat('email', /^[^@\s]+@[^@\s]+$/);
  ajv.addSchema({ $id: 'slack', definitions: rebase(doc.definitions) as JsonObject });
  loaded = { paths: doc.paths as JsonObject, ajv, cache: new Map() };
  return loaded;
}

/**
 * Problems of a successful Web API answer against the document's success schema for `method`; empty
 * when it conforms. (Error answers are checked against the newer method reference in spec.ts: the
 * document's error lists are from 2020, without e.g. files.info's `access_denied` of Slack Connect.)
 * Throws for a method the document does not have, so a test cannot pass by checking nothing.
 */
export function successProblems(method: string, body: unknown): string[] {
  const { paths, ajv, cache } = load();
  let validate = cache.get(method);
  if (!validate) {
    const item = paths[`/${method}`];
    const operation = isObject(item) ? (item.get ?? item.post) : undefined;
    const responses = isObject(operation) ? operation.responses : undefined;
    const success = isObject(responses) ? responses['200'] : undefined;
    if (!isObject(success) || !isObject(success.schema))
      throw new Error(`slack-web-openapi.json has no success schema for ${method}`);
    validate = ajv.compile(rebase(success.schema) as JsonObject);
    cache.set(method, validate);
  }
  if (validate(body)) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
  );
}
