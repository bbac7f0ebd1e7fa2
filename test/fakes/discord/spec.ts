import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { specPath } from '../shared/specs.js';
import type { RecordedCall, SentBody } from './http/recorder.js';

/**
 * Keeps the fake honest against ../shared/specs/discord-openapi.json (Discord's own OpenAPI 3.1
 * document of REST v10): every route it serves must be an operation there, every JSON body it sends
 * must match that operation's response schema, and every JSON body it accepts its request schema.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** The compiled document: which operations exist and what their bodies look like. */
export interface DiscordSpec {
  /** Does the document have this operation (`method` in any case, `route` as the document writes it)? */
  hasOperation(method: string, route: string): boolean;
  /** Problems of a response body against the schema for that status; empty when it conforms. */
  validateResponse(method: string, route: string, status: number, body: unknown): string[];
  /** Problems of a JSON request body; empty when it conforms or the operation takes no JSON. */
  validateRequest(method: string, route: string, body: unknown): string[];
}

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Points local `#/components/...` references at the document registered as `discord`. */
function rebase(node: Json): Json {
  if (Array.isArray(node)) return node.map(rebase);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] =
      key === '$ref' && typeof value === 'string' ? value.replace(/^#\//, 'discord#/') : rebase(value);
  }
  return out;
}

/**
 * Where the live API knowingly differs from the document. Field errors of a 50035 carry string codes
 * (`{"code": "BASE_TYPE_MAX_LENGTH", "message": ...}`, as Discord's own documentation shows them);
 * the document types every `Error.code` as an integer. And `MessageReferenceType` lists only DEFAULT
 * (0), although Discord's documentation ("Message Reference Types") has FORWARD (1) and the document's
 * own `message_snapshots` exist only on forwards.
 */
function applyKnownDeviations(schemas: JsonObject): void {
  const referenceType = schemas.MessageReferenceType;
  if (!isObject(referenceType) || !Array.isArray(referenceType.oneOf))
    throw new Error('spec: MessageReferenceType has no oneOf');
  referenceType.oneOf = [
    ...referenceType.oneOf,
    { title: 'FORWARD', description: 'Reference to a message at a point in time', const: 1 },
  ];
  const inner = schemas.InnerErrors;
  const props = isObject(inner) ? inner.properties : undefined;
  if (!isObject(props) || !isObject(props._errors)) throw new Error('spec: InnerErrors has no _errors');
  props._errors = {
    type: 'array',
    items: {
      type: 'object',
      properties: { code: { type: ['string', 'integer'] }, message: { type: 'string' } },
      required: ['code', 'message'],
    },
  };
}

/** Loads and compiles the document (about 100 ms); use `loadDiscordSpec` for the per-process copy. */
export function compileDiscordSpec(file: string = specPath('discord-openapi.json')): DiscordSpec {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as JsonObject;
  const paths = doc.paths as JsonObject;
  const components = doc.components as JsonObject;
  applyKnownDeviations(components.schemas as JsonObject);
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addFormat('snowflake', /^(0|[1-9][0-9]*)$/);
  for (const format of ['int32', 'int64', 'double', 'nonce']) ajv.addFormat(format, true);
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  ajv.addSchema({ $id: 'discord', components: rebase(components) as JsonObject });

  const cache = new Map<string, ValidateFunction | undefined>();
  const compiled = (key: string, schema: () => Json | undefined) => {
    if (!cache.has(key)) {
      const found = schema();
      // Most operations answer a named schema: one validator per name, however many routes share it.
      const ref = isObject(found) && typeof found.$ref === 'string' && Object.keys(found).length === 1;
      const validate =
        found === undefined
          ? undefined
          : ref
            ? ajv.getSchema(String((rebase(found) as JsonObject).$ref))
            : ajv.compile(rebase(found) as JsonObject);
      cache.set(key, validate);
    }
    return cache.get(key);
  };
  const operation = (method: string, route: string): JsonObject | undefined => {
    const item = paths[route];
    const op = isObject(item) ? item[method.toLowerCase()] : undefined;
    return isObject(op) ? op : undefined;
  };
  const jsonSchema = (content: Json | undefined): Json | undefined => {
    const media = isObject(content) ? content['application/json'] : undefined;
    return isObject(media) ? media.schema : undefined;
  };
  const run = (validate: ValidateFunction | undefined, value: unknown): string[] => {
    if (!validate || validate(value)) return [];
    return (validate.errors ?? []).map(
      (e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
    );
  };

  return {
    hasOperation: (method, route) => operation(method, route) !== undefined,
    validateResponse(method, route, status, body) {
      const op = operation(method, route);
      if (!op) return [`no operation ${method} ${route} in the spec`];
      const responses = op.responses as JsonObject;
      let response =
        responses[String(status)] ?? (status >= 400 && status < 500 ? responses['4XX'] : undefined);
      if (response === undefined) return [`${method} ${route}: the spec has no ${status} response`];
      if (isObject(response) && typeof response.$ref === 'string') {
        response = (components.responses as JsonObject)[response.$ref.split('/').at(-1) ?? ''];
      }
      const schema = isObject(response) ? jsonSchema(response.content) : undefined;
      if (schema === undefined)
        return body === undefined ? [] : [`${method} ${route} ${status} has no body in the spec`];
      return run(
        compiled(`${method} ${route} ${status}`, () => schema),
        body,
      );
    },
    validateRequest(method, route, body) {
      const op = operation(method, route);
      const requestBody = op?.requestBody;
      const schema = isObject(requestBody) ? jsonSchema(requestBody.content) : undefined;
      if (schema === undefined || body === undefined) return [];
      return run(
        compiled(`${method} ${route} request`, () => schema),
        body,
      );
    },
  };
}

let loaded: DiscordSpec | undefined;

/** The compiled document, loaded at most once per process (where ../shared/specs is: see `specsPresent`). */
export function loadDiscordSpec(): DiscordSpec {
  loaded ??= compileDiscordSpec();
  return loaded;
}

/** One body that does not match its schema. */
export interface Violation {
  what: string;
  errors: string[];
}

/** Checks every body the fake sent and every JSON body it accepted (answered 2xx). */
export function checkDiscordConformance(
  spec: DiscordSpec,
  recorded: { sent: readonly SentBody[]; calls: readonly RecordedCall[] },
): Violation[] {
  const violations: Violation[] = [];
  for (const sent of recorded.sent) {
    const errors = spec.validateResponse(sent.method, sent.route, sent.status, sent.body);
    if (errors.length > 0)
      violations.push({ what: `${sent.method} ${sent.route} -> ${sent.status}`, errors });
  }
  for (const call of recorded.calls) {
    if (call.route === '' || call.status >= 300) continue;
    const errors = spec.validateRequest(call.method, call.route, call.json);
    if (errors.length > 0) violations.push({ what: `request ${call.method} ${call.route}`, errors });
  }
  return violations;
}
