import { describe, expect, it } from 'vitest';
import { accessOf as discordAccess } from '../discord/parse.js';
import { accessOf as slackAccess } from '../slack/parse.js';
import { isAllowed } from './access.js';

const OPEN = { spaces: [], channels: [], roles: [], users: [] };

describe('the allowlists, on every platform', () => {
  const place = discordAccess({ guildId: 'g1', channelIds: ['c1'], userId: 'u1', roleIds: ['r1'] });

  it('allows everyone when no list is set', () => {
    expect(isAllowed(OPEN, place)).toBe(true);
    expect(isAllowed(OPEN, { ...place, space: undefined, isDirect: true })).toBe(true);
  });

  it('requires every list of places: space and channel', () => {
    expect(isAllowed({ ...OPEN, spaces: ['g2'] }, place)).toBe(false);
    expect(isAllowed({ ...OPEN, spaces: ['g1'], channels: ['c1'] }, place)).toBe(true);
    expect(isAllowed({ ...OPEN, spaces: ['g1'], channels: ['c9'] }, place)).toBe(false);
  });

  it('takes a listed user or a listed role as "who"', () => {
    expect(isAllowed({ ...OPEN, roles: ['r1'] }, place)).toBe(true);
    expect(isAllowed({ ...OPEN, users: ['u1'] }, place)).toBe(true);
    expect(isAllowed({ ...OPEN, roles: ['r9'], users: ['u1'] }, place)).toBe(true);
    expect(isAllowed({ ...OPEN, roles: ['r9'], users: ['u9'] }, place)).toBe(false);
  });

  it('lets only listed users write Discord DMs (outside any server) once any list narrows who may', () => {
    const dm = discordAccess({ guildId: undefined, channelIds: ['d1'], userId: 'u1', roleIds: [] });
    expect(isAllowed({ ...OPEN, users: ['u1'] }, dm)).toBe(true);
    expect(isAllowed({ ...OPEN, users: ['u2'] }, dm)).toBe(false);
    expect(isAllowed({ ...OPEN, spaces: ['g1'] }, dm)).toBe(false);
    expect(isAllowed({ ...OPEN, roles: ['r1'] }, dm)).toBe(false);
  });

  it('treats a Slack channel and a Slack DM by the same rules', () => {
    const origin = { team: 'T1', channel: 'C1', user: 'U1' };
    expect(isAllowed(OPEN, slackAccess(origin))).toBe(true);
    expect(isAllowed({ ...OPEN, spaces: ['T1'], channels: ['C1'], users: ['U1'] }, slackAccess(origin))).toBe(
      true,
    );
    expect(isAllowed({ ...OPEN, spaces: ['T2'] }, slackAccess(origin))).toBe(false);
    expect(isAllowed({ ...OPEN, channels: ['C2'] }, slackAccess(origin))).toBe(false);
    expect(isAllowed({ ...OPEN, users: ['U2'] }, slackAccess(origin))).toBe(false);
    const dm = slackAccess({ ...origin, channel: 'D1' });
    expect(isAllowed({ ...OPEN, channels: ['C1'] }, dm)).toBe(false);
    expect(isAllowed({ ...OPEN, channels: ['D1'] }, dm)).toBe(true);
    expect(isAllowed({ ...OPEN, channels: ['C1'], users: ['U1'] }, dm)).toBe(false);
  });
});
