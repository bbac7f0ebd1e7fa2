import { DiscordHttpError, invalidField } from '../http/errors.js';
import type { Route, RouteRequest } from '../http/router.js';
import { snowflake } from '../ids.js';
import { userPayload } from '../payloads.js';
import type { FakeContext } from './context.js';

/** Command and option names: lowercase letters, digits, `-` and `_`, 1 to 32 characters. */
const NAME = /^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$/u;
/** Option types Discord knows: sub-command (1) to attachment (11). */
const OPTION_TYPES = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);

/** The gateway URL, the bot's own user and application command registration. */
export function appRoutes(ctx: FakeContext, gatewayUrl: () => string): Route[] {
  const { world } = ctx;
  const register = (scope: string, request: RouteRequest) => {
    if (request.params.application_id !== world.bot.id) throw new DiscordHttpError('unknownApplication');
    const commands = validateCommands(request.json);
    const saved = commands.map((command) => ({
      id: snowflake(),
      application_id: world.bot.id,
      version: snowflake(),
      default_member_permissions: null,
      type: 1,
      nsfw: false,
      integration_types: [0],
      contexts: null,
      ...command,
      ...(scope !== 'global' && { guild_id: scope }),
    }));
    world.commands.set(scope, saved);
    return { status: 200, body: saved };
  };

  return [
    {
      method: 'GET',
      route: '/gateway/bot',
      handle: () => ({
        status: 200,
        body: {
          url: gatewayUrl(),
          shards: 1,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
        },
      }),
    },
    {
      method: 'GET',
      route: '/users/@me',
      handle: () => ({
        status: 200,
        body: { ...userPayload(world.bot), mfa_enabled: false, locale: 'en-US', premium_type: 0 },
      }),
    },
    {
      method: 'PUT',
      route: '/applications/{application_id}/commands',
      major: 'application_id',
      handle: (request) => register('global', request),
    },
    {
      method: 'PUT',
      route: '/applications/{application_id}/guilds/{guild_id}/commands',
      major: 'application_id',
      handle(request) {
        const guild = world.guilds.get(request.params.guild_id ?? '');
        // A bot not in the guild, or invited without `applications.commands`, gets Missing Access.
        if (!guild?.members.has(world.bot.id)) throw new DiscordHttpError('missingAccess');
        return register(guild.id, request);
      },
    },
  ];
}

/** Discord's checks on a bulk overwrite: names, descriptions and option types. */
function validateCommands(json: unknown): Record<string, unknown>[] {
  if (!Array.isArray(json)) throw invalidField('_root', 'LIST_TYPE_CONVERT', 'Must be an array.');
  if (json.length > 100)
    throw invalidField('_root', 'BASE_TYPE_MAX_LENGTH', 'Must be 100 or fewer in length.');
  return json.map((raw: unknown, i) => {
    const command = raw as Record<string, unknown>;
    checkNamed(command, `${i}`);
    const options = command.options ?? [];
    if (!Array.isArray(options)) throw invalidField(`${i}.options`, 'LIST_TYPE_CONVERT', 'Must be an array.');
    options.forEach((option: Record<string, unknown>, j) => {
      checkNamed(option, `${i}.options.${j}`);
      if (!OPTION_TYPES.has(option.type as number)) {
        throw invalidField(
          `${i}.options.${j}.type`,
          'BASE_TYPE_CHOICES',
          'Value must be a valid option type.',
        );
      }
    });
    return command;
  });
}

function checkNamed(item: Record<string, unknown>, path: string): void {
  if (typeof item.name !== 'string' || !NAME.test(item.name)) {
    throw invalidField(`${path}.name`, 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
  }
  const description = item.description;
  if (typeof description !== 'string' || description.length < 1 || description.length > 100) {
    throw invalidField(`${path}.description`, 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
  }
}
