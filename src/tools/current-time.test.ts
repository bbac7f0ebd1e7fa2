import { describe, expect, it } from 'vitest';
import { conversationKey } from '../core/conversation.js';
import { createCurrentTimeTool, currentTime } from './current-time.js';

const INSTANT = new Date('2026-11-26T12:03:00Z');
const context = { signal: new AbortController().signal, key: conversationKey('console', 's'), userId: 'u' };

describe('current_time', () => {
  it('gives the local time in ISO 8601 with the zone offset', () => {
    expect(currentTime(INSTANT, 'Asia/Tokyo')).toEqual({
      timezone: 'Asia/Tokyo',
      datetime: '2026-11-26T21:03:00+09:00',
      utc_offset: '+09:00',
      weekday: 'Thursday',
    });
  });

  it('handles negative and half-hour offsets, and the date line', () => {
    expect(currentTime(INSTANT, 'America/St_Johns').datetime).toBe('2026-11-26T08:33:00-03:30');
    expect(currentTime(new Date('2026-11-26T23:30:00Z'), 'Pacific/Kiritimati').datetime).toBe(
      '2026-11-27T13:30:00+14:00',
    );
  });

  it('follows daylight saving time', () => {
    expect(currentTime(new Date('2026-07-01T12:00:00Z'), 'Europe/Paris').utc_offset).toBe('+02:00');
    expect(currentTime(new Date('2026-01-01T12:00:00Z'), 'Europe/Paris').utc_offset).toBe('+01:00');
  });

  it('writes midnight as 00, not 24', () => {
    expect(currentTime(new Date('2026-11-26T15:00:00Z'), 'Asia/Tokyo').datetime).toBe(
      '2026-11-27T00:00:00+09:00',
    );
  });

  it('gives UTC a +00:00 offset', () => {
    expect(currentTime(INSTANT, 'UTC')).toMatchObject({
      timezone: 'UTC',
      datetime: '2026-11-26T12:03:00+00:00',
    });
  });

  it('spells a zone asked in the wrong case canonically', () => {
    expect(currentTime(INSTANT, 'asia/tokyo').timezone).toBe('Asia/Tokyo');
  });

  it('says the zone is unknown when it is', () => {
    expect(() => currentTime(INSTANT, 'Mars/Olympus_Mons')).toThrow(/unknown time zone "Mars\/Olympus_Mons"/);
  });

  it('reads the injected clock and defaults to UTC', async () => {
    const tool = createCurrentTimeTool(() => INSTANT);
    const args = tool.parameters.parse({});
    expect(await tool.execute(args, context)).toMatchObject({
      timezone: 'UTC',
      datetime: '2026-11-26T12:03:00+00:00',
    });
  });
});
