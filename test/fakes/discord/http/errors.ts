/** Discord's JSON error codes that the fake answers with, named as the API documentation names them. */
export const DISCORD_ERRORS = {
  unknownChannel: { status: 404, code: 10003, message: 'Unknown Channel' },
  unknownMessage: { status: 404, code: 10008, message: 'Unknown Message' },
  unknownInteraction: { status: 404, code: 10062, message: 'Unknown interaction' },
  unknownWebhook: { status: 404, code: 10015, message: 'Unknown Webhook' },
  unknownApplication: { status: 404, code: 10002, message: 'Unknown Application' },
  missingAccess: { status: 403, code: 50001, message: 'Missing Access' },
  cannotEditOthers: { status: 403, code: 50005, message: 'Cannot edit a message authored by another user' },
  emptyMessage: { status: 400, code: 50006, message: 'Cannot send an empty message' },
  missingPermissions: { status: 403, code: 50013, message: 'Missing Permissions' },
  wrongChannelType: { status: 400, code: 50024, message: 'Cannot execute action on this channel type' },
  invalidFormBody: { status: 400, code: 50035, message: 'Invalid Form Body' },
  tooManyOldEdits: {
    status: 400,
    code: 30046,
    message: 'Maximum number of edits to messages older than 1 hour reached. Try again later.',
  },
  alreadyAcknowledged: { status: 400, code: 40060, message: 'Interaction has already been acknowledged.' },
  entityTooLarge: { status: 413, code: 40005, message: 'Request entity too large' },
  threadExists: { status: 400, code: 160004, message: 'A thread has already been created for this message' },
} as const satisfies Record<string, { status: number; code: number; message: string }>;

/** The name of one of the errors above. */
export type DiscordErrorName = keyof typeof DISCORD_ERRORS;

/** `errors` of a 50035 body: field path -> problems, as the service nests them. */
export type FieldErrors = Record<string, { _errors: { code: string; message: string }[] }>;

/** Thrown by route handlers; the server turns it into Discord's JSON error body. */
export class DiscordHttpError extends Error {
  readonly status: number;
  readonly code: number;
  readonly errors: FieldErrors | undefined;

  constructor(name: DiscordErrorName, errors?: FieldErrors) {
    const known = DISCORD_ERRORS[name];
    super(known.message);
    this.status = known.status;
    this.code = known.code;
    this.errors = errors;
  }

  /** The body Discord sends: `{ message, code }`, with `errors` for invalid form bodies. */
  body(): Record<string, unknown> {
    return {
      message: this.message,
      code: this.code,
      ...(this.errors !== undefined && { errors: this.errors }),
    };
  }
}

/** A 50035 for one field: `{ content: { _errors: [{ code, message }] } }`. */
export function invalidField(field: string, code: string, message: string): DiscordHttpError {
  return new DiscordHttpError('invalidFormBody', { [field]: { _errors: [{ code, message }] } });
}
