import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DownloadPolicy, downloadFiles, type SharedFile } from './downloads.js';

/** A stand-in attachment host on 127.0.0.1; records every path asked for. */
let server: Server;
let origin = '';
const requested: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = request.url ?? '/';
    requested.push(path);
    if (path === '/redirect.csv') {
      response.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere.csv' }).end();
    } else if (path === '/missing.csv') {
      response.writeHead(404).end();
    } else if (path === '/stream.csv') {
      response.writeHead(200, { 'content-type': 'text/csv' });
      for (let i = 0; i < 40; i++) response.write('x'.repeat(32 * 1024));
      response.end();
    } else {
      response.writeHead(200, { 'content-type': 'text/csv' }).end('a,b\n1,2\n');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const policy = (origins = [origin]): DownloadPolicy => ({
  platformName: 'Discord',
  isFileHost: (url) => origins.includes(url.origin),
  maxBytes: 1024 * 1024,
  maxRedirects: 0,
});
const file = (name: string, size = 8, url = `${origin}/${name}`): SharedFile => ({
  name,
  url,
  size,
  mimeType: 'text/csv',
});

describe('downloadFiles', () => {
  it('downloads a file from an allowed host', async () => {
    const result = await downloadFiles([file('data.csv')], policy());
    expect(result.refused).toEqual([]);
    expect(result.files.map((f) => [f.name, f.mimeType, new TextDecoder().decode(f.bytes)])).toEqual([
      ['data.csv', 'text/csv', 'a,b\n1,2\n'],
    ]);
  });

  it('refuses other hosts, and a lookalike, without a request', async () => {
    const before = requested.length;
    const result = await downloadFiles(
      [file('a.csv', 8, 'https://cdn.discordapp.com.evil.example/a.csv'), file('b.csv', 8, 'not a url')],
      policy(['https://cdn.discordapp.com']),
    );
    expect(result.files).toEqual([]);
    expect(result.refused).toEqual([
      "a.csv was not downloaded: it is not on Discord's file hosts.",
      "b.csv was not downloaded: it is not on Discord's file hosts.",
    ]);
    expect(requested.length).toBe(before);
  });

  it('refuses an unsupported type or a declared size over the limit without a request', async () => {
    const before = requested.length;
    const result = await downloadFiles([file('tool.exe'), file('big.csv', 2 * 1024 * 1024)], policy());
    expect(result.refused[0]).toMatch(/^tool\.exe: this file type is not supported/);
    expect(result.refused[1]).toBe('big.csv is 2.0 MB; the limit is 1.0 MB.');
    expect(requested.length).toBe(before);
  });

  it('stops reading a stream that passes the limit', async () => {
    const result = await downloadFiles([file('stream.csv')], policy());
    expect(result.refused).toEqual(['stream.csv is more than 1.0 MB; the limit is 1.0 MB.']);
  });

  it('follows no redirect and reports a failed download', async () => {
    const result = await downloadFiles([file('redirect.csv'), file('missing.csv')], policy());
    expect(result.files).toEqual([]);
    expect(result.refused).toEqual([
      'redirect.csv could not be downloaded.',
      'missing.csv could not be downloaded (HTTP 404).',
    ]);
    expect(requested.filter((p) => p === '/elsewhere.csv')).toEqual([]);
  });

  it('checks bytes the platform already received like a download, and fetches nothing', async () => {
    const before = requested.length;
    const received = (name: string, size: number) => ({
      name,
      mimeType: 'text/csv',
      url: undefined,
      size,
      bytes: new Uint8Array(size).fill(65),
    });
    const result = await downloadFiles(
      [received('ok.csv', 10), received('over.csv', 2 * 1024 * 1024), { ...received('empty.csv', 0) }],
      policy(),
    );
    expect(result.files.map((f) => [f.name, f.bytes.byteLength])).toEqual([['ok.csv', 10]]);
    expect(result.refused).toEqual(['over.csv is 2.0 MB; the limit is 1.0 MB.', 'empty.csv is empty.']);
    expect(requested.length).toBe(before);
  });
});
