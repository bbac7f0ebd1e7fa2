import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { specPath } from '../shared/specs.js';

/**
 * Validates what the fake sends against ../shared/specs/openai-openapi.yaml, so the fake cannot drift
 * into a dialect the real service never spoke. Parsing the YAML takes ~1.3 s: the parsed document is
 * cached as JSON in the OS temp folder (keyed by the file's hash, so an updated spec is parsed anew),
 * validators are cached per process, and nothing in the fake server itself loads this module.
 */

/** One schema violation, readable in a test failure. */
export interface SpecViolation {
  schema: string;
  errors: string[];
}

/** Validators for the schemas under `components/schemas` of the OpenAI OpenAPI document. */
export interface OpenAISpec {
  /** Every schema name in the document. */
  readonly schemaNames: ReadonlySet<string>;
  /** Returns the problems of `value` against `components/schemas/<schema>`; empty when it conforms. */
  validate(schema: string, value: unknown): string[];
  /**
   * The member of `ResponseStreamEvent` whose `type` is `type` (e.g. `ResponseTextDeltaEvent` for
   * `response.output_text.delta`); undefined for a type the stream protocol does not have.
   */
  responseEventSchema(type: string): string | undefined;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Rewrites OpenAPI 3.0's `nullable: true` (which ajv rejects without a sibling `type`) into JSON
 * Schema 2020: `type: [T, 'null']` where there is a type, `anyOf: [..., {type: 'null'}]` where there is
 * none, and `allOf: [{$ref}, {nullable: true}]` (the spec's way to make a $ref nullable) likewise.
 */
export function rewriteNullable(node: Json): Json {
  if (Array.isArray(node)) return node.map(rewriteNullable);
  if (!isObject(node)) return node;
  let nullable = node.nullable === true;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable' && typeof value === 'boolean') continue;
    if (key === 'allOf' && Array.isArray(value)) {
      // `allOf: [{$ref}, {nullable: true}]` is the document's way to make a $ref nullable.
      const marker = (part: Json) =>
        isObject(part) && part.nullable === true && Object.keys(part).length === 1;
      if (value.some(marker)) nullable = true;
      out.allOf = value.filter((part) => !marker(part)).map(rewriteNullable);
      continue;
    }
    out[key] = rewriteNullable(value);
  }
  if (!nullable) return out;
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}

/**
 * Where the real service knowingly differs from its own document. Each entry is a fact about the
 * live API, not a convenience: the fake sends what the service sends and the spec is widened here.
 */
function applyKnownDeviations(schemas: JsonObject): void {
  // Lists of nothing come back with `first_id: null, last_id: null`; the document types them as strings.
  for (const name of [
    'ListAssistantsResponse',
    'ListMessagesResponse',
    'ListRunsResponse',
    'ListRunStepsResponse',
    'ListFilesResponse',
    'ResponseItemList',
    'ConversationItemList',
    'ContainerFileListResource',
  ]) {
    const props = (schemas[name] as JsonObject | undefined)?.properties;
    if (!isObject(props)) throw new Error(`spec: ${name} has no properties`);
    props.first_id = { type: ['string', 'null'] };
    props.last_id = { type: ['string', 'null'] };
  }
  // A message item without `type` (the SDK's EasyInputMessage) also matches Item > InputMessage: the
  // union is meant to be told apart by an optional `type`, so it is an anyOf, not a oneOf.
  const inputItem = schemas.InputItem;
  if (!isObject(inputItem) || !Array.isArray(inputItem.oneOf)) throw new Error('spec: InputItem is no oneOf');
  inputItem.anyOf = inputItem.oneOf;
  delete inputItem.oneOf;
  // An `mcp_approval_response` input item names the request it answers by `approval_request_id` (what
  // the SDK sends and the service reads); the document also requires a `request_id` it never defines.
  for (const name of ['MCPApprovalResponse', 'MCPApprovalResponseResource']) {
    const schema = schemas[name];
    if (!isObject(schema) || !Array.isArray(schema.required))
      throw new Error(`spec: ${name} has no required`);
    schema.required = schema.required.filter((field) => field !== 'request_id');
  }
  // A response carries `usage: null` until it ends (response.created, in_progress, a queued
  // background response); the document only has the object.
  const responseParts = (schemas.Response as JsonObject | undefined)?.allOf;
  const own = Array.isArray(responseParts)
    ? responseParts.find((p) => isObject(p) && isObject(p.properties))
    : undefined;
  const ownProps = isObject(own) ? own.properties : undefined;
  if (!isObject(ownProps) || !isObject(ownProps.usage)) throw new Error('spec: Response has no usage');
  ownProps.usage = { anyOf: [ownProps.usage, { type: 'null' }] };
}

/** `type` -> member schema name, from the `ResponseStreamEvent` union of the document. */
function responseEventTypes(schemas: JsonObject): Map<string, string> {
  const union = schemas.ResponseStreamEvent;
  const members = isObject(union) && Array.isArray(union.anyOf) ? union.anyOf : [];
  const types = new Map<string, string>();
  for (const member of members) {
    const ref = isObject(member) && typeof member.$ref === 'string' ? member.$ref : '';
    const name = ref.split('/').at(-1) ?? '';
    const schema = schemas[name];
    const type = isObject(schema) && isObject(schema.properties) ? schema.properties.type : undefined;
    const values = isObject(type) && Array.isArray(type.enum) ? type.enum : [];
    for (const value of values) if (typeof value === 'string') types.set(value, name);
  }
  if (types.size === 0) throw new Error('spec: ResponseStreamEvent has no members');
  return types;
}

/** The parsed YAML, from the JSON cache when this exact file was parsed before (50 ms instead of 1.3 s). */
function readDocument(file: string): JsonObject {
  const source = readFileSync(file, 'utf8');
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const cached = path.join(tmpdir(), 'threadloom-spec-cache', `openai-openapi-${hash}.json`);
  try {
    return JSON.parse(readFileSync(cached, 'utf8')) as JsonObject;
  } catch {
    // Not cached yet (or unreadable): parse the YAML below.
  }
  const doc = parse(source) as JsonObject;
  try {
    // Write then rename, so test files loading in parallel never read half a file.
    mkdirSync(path.dirname(cached), { recursive: true });
    const partial = `${cached}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify(doc));
    renameSync(partial, cached);
  } catch {
    // The cache only saves time; a read-only temp folder costs the parse, nothing else.
  }
  return doc;
}

/** Loads and compiles the document; call once per process (see `loadOpenAISpec`). */
export function compileOpenAISpec(file: string = specPath('openai-openapi.yaml')): OpenAISpec {
  const doc = readDocument(file);
  const components = rewriteNullable(doc.components as Json) as JsonObject;
  const schemas = components.schemas as JsonObject;
  applyKnownDeviations(schemas);
  const eventTypes = responseEventTypes(schemas);

  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addFormat('unixtime', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= 0 });
  for (const format of ['binary', 'int64', 'double', 'float']) ajv.addFormat(format, true);
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
  ajv.addSchema({ $id: 'openai', components });

  const cache = new Map<string, ValidateFunction>();
  const validator = (schema: string): ValidateFunction => {
    let fn = cache.get(schema);
    if (!fn) {
      if (!(schema in schemas)) throw new Error(`spec: no schema named ${schema}`);
      fn = ajv.getSchema(`openai#/components/schemas/${schema}`);
      if (!fn) throw new Error(`spec: could not compile ${schema}`);
      cache.set(schema, fn);
    }
    return fn;
  };

  return {
    schemaNames: new Set(Object.keys(schemas)),
    responseEventSchema: (type) => eventTypes.get(type),
    validate(schema, value) {
      const fn = validator(schema);
      if (fn(value)) return [];
      return (fn.errors ?? []).map(
        (e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
      );
    },
  };
}

let loaded: OpenAISpec | undefined;

/** The compiled document, parsed at most once per process (where ../shared/specs is: see `specsPresent`). */
export function loadOpenAISpec(): OpenAISpec {
  loaded ??= compileOpenAISpec();
  return loaded;
}
