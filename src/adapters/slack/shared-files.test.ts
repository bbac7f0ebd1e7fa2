import { describe, expect, it } from 'vitest';
import { downloadFiles } from '../kit/downloads.js';
import type { SlackFile } from './parse.js';
import { sharedFileOf, slackDownloadPolicy } from './shared-files.js';

interface Hop {
  url: string;
  authorization: string | null;
}

/** A fetch that answers from a table of URLs and records what it was asked, with which token. */
function fakeFetch(routes: Record<string, () => Response>): { fetch: typeof fetch; hops: Hop[] } {
  const hops: Hop[] = [];
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    hops.push({ url, authorization: new Headers(init?.headers).get('authorization') });
    const route = routes[url];
    return route ? route() : new Response('missing', { status: 404 });
  }) as typeof fetch;
  return { fetch: fetchFn, hops };
}

const file = (url: string, size = 3, name = 'data.csv') => ({
  id: 'F1',
  name,
  size,
  url_private_download: url,
});
const OPTIONS = { botToken: 'xoxb-secret', fileHosts: ['files.slack.com'], maxBytes: 100 };
const download = (files: SlackFile[], fetchFn: typeof fetch) =>
  downloadFiles(files.map(sharedFileOf), slackDownloadPolicy(OPTIONS, fetchFn));

describe('downloading shared files', () => {
  it('sends the token to Slack’s file host and follows a redirect that stays there', async () => {
    const { fetch, hops } = fakeFetch({
      'https://files.slack.com/a.csv': () =>
        new Response(null, { status: 302, headers: { location: '/b.csv' } }),
      'https://files.slack.com/b.csv': () => new Response('1,2'),
    });
    const result = await download([file('https://files.slack.com/a.csv')], fetch);
    expect(result.refused).toEqual([]);
    expect(new TextDecoder().decode(result.files[0]?.bytes)).toBe('1,2');
    expect(hops.map((h) => h.authorization)).toEqual(['Bearer xoxb-secret', 'Bearer xoxb-secret']);
  });

  it('does not follow a redirect to another host at all', async () => {
    const { fetch, hops } = fakeFetch({
      'https://files.slack.com/a.csv': () =>
        new Response(null, { status: 302, headers: { location: 'https://evil.example/a.csv' } }),
    });
    const result = await download([file('https://files.slack.com/a.csv')], fetch);
    expect(result.files).toEqual([]);
    expect(result.refused[0]).toBe("data.csv was not downloaded: it is not on Slack's file hosts.");
    expect(hops.map((h) => h.url)).toEqual(['https://files.slack.com/a.csv']);
  });

  it('refuses a file link on any other host without fetching it', async () => {
    const { fetch, hops } = fakeFetch({});
    const result = await download([file('https://evil.example/a.csv')], fetch);
    expect(result.refused).toHaveLength(1);
    expect(hops).toEqual([]);
  });

  it('stops reading past the limit even when the declared size was small', async () => {
    const { fetch } = fakeFetch({ 'https://files.slack.com/a.csv': () => new Response('x'.repeat(1000)) });
    const result = await download([file('https://files.slack.com/a.csv', 5)], fetch);
    expect(result.files).toEqual([]);
    expect(result.refused[0]).toMatch(/^data\.csv is/);
  });

  it('refuses external and hidden files, which Slack does not host', async () => {
    const { fetch, hops } = fakeFetch({});
    const external = { ...file('https://files.slack.com/a.csv'), mode: 'external' };
    const result = await download([external], fetch);
    expect(result.refused[0]).toContain('is not stored on Slack');
    expect(hops).toEqual([]);
  });
});
