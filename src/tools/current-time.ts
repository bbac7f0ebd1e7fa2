import { z } from 'zod';
import { defineTool } from './tool.js';

/** What `current_time` tells the model. */
export interface CurrentTime {
  /** The zone's IANA name, as asked (`Asia/Tokyo`). */
  timezone: string;
  /** Local date and time in ISO 8601 with the zone's offset: `2026-11-26T21:03:00+09:00`. */
  datetime: string;
  /** The offset from UTC, `+09:00`. */
  utc_offset: string;
  /** The local day of the week, in English; models get it wrong from a date alone. */
  weekday: string;
}

const parameters = z.object({
  timezone: z
    .string()
    .default('UTC')
    .describe('IANA time zone name, such as Asia/Tokyo, Europe/Paris or America/New_York. Default: UTC.'),
});

/**
 * The `current_time` tool with the clock it reads: tests pass a fixed one. Uses Intl for zone data,
 * which Node ships with full ICU.
 */
export function createCurrentTimeTool(now: () => Date = () => new Date()) {
  return defineTool({
    name: 'current_time',
    description: 'Returns the current local date and time, with its UTC offset, in an IANA time zone.',
    parameters,
    execute: ({ timezone }): CurrentTime => currentTime(now(), timezone),
  });
}

/** The built-in `current_time` tool on the system clock. */
export const currentTimeTool = createCurrentTimeTool();

/**
 * Local time of `date` in zone `timezone`.
 * @throws Error saying the zone is unknown.
 */
export function currentTime(date: Date, timezone: string): CurrentTime {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'long',
      timeZoneName: 'longOffset',
    });
  } catch {
    throw new Error(
      `unknown time zone "${timezone}": use an IANA name such as UTC, Asia/Tokyo or Europe/Paris`,
    );
  }
  const parts = format.formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  // longOffset reads `GMT+09:00`, or a bare `GMT` on some ICU versions when the offset is zero.
  const offset = part('timeZoneName').replace(/^GMT/, '') || '+00:00';
  const resolved = format.resolvedOptions().timeZone;
  return {
    // Canonical spelling for a name asked in the wrong case; an alias (Asia/Kathmandu) stays as asked.
    timezone: resolved.toLowerCase() === timezone.toLowerCase() ? resolved : timezone,
    datetime: `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}:${part('second')}${offset}`,
    utc_offset: offset,
    weekday: part('weekday'),
  };
}
