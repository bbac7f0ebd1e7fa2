import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FAKE_TEAM } from './state.js';

/** A file a user shares in a test. */
export interface HostedFile {
  name: string;
  bytes: Uint8Array;
  mimetype?: string;
  /** The size the event declares (default: the real size), to test a lying declaration. */
  declaredSize?: number;
  /** The file host answers with a redirect to another host, as a misrouted or hostile link would. */
  redirectElsewhere?: boolean;
}

/** A request one of the file hosts received. */
export interface FileRequest {
  host: 'slack' | 'elsewhere';
  path: string;
  authorization: string | undefined;
}

interface Elsewhere {
  server: Server;
  url: string;
}

/**
 * Slack's file host (`files.slack.com`) for shared files: serves `url_private_download` only with the
 * bot token, as Slack does. A second server on another port is "another host": files marked
 * `redirectElsewhere` redirect there, and it records whether a token arrived with the request.
 */
export class FileHost {
  readonly requests: FileRequest[] = [];
  private readonly hosted = new Map<string, HostedFile>();
  private count = 0;

  constructor(
    private readonly baseUrl: string,
    readonly elsewhere: Elsewhere,
    private readonly changed: () => void,
  ) {
    elsewhere.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.requests.push({
        host: 'elsewhere',
        path: req.url ?? '',
        authorization: req.headers.authorization,
      });
      const file = this.hosted.get(/\/cdn\/([^/]+)\//.exec(req.url ?? '')?.[1] ?? '');
      if (file)
        res.writeHead(200, { 'content-type': file.mimetype ?? 'application/octet-stream' }).end(file.bytes);
      else res.writeHead(404).end();
      this.changed();
    });
  }

  static async startElsewhere(): Promise<Elsewhere> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }

  /** Hosts `file` and returns the file object a message event carries. */
  share(file: HostedFile): Record<string, unknown> {
    this.count += 1;
    const id = `F0SHARED${String(this.count).padStart(3, '0')}`;
    this.hosted.set(id, file);
    const path = `/files-pri/${FAKE_TEAM.teamId}-${id}`;
    return {
      id,
      name: file.name,
      title: file.name,
      mimetype: file.mimetype ?? 'application/octet-stream',
      size: file.declaredSize ?? file.bytes.byteLength,
      mode: 'hosted',
      url_private: `${this.baseUrl}${path}/${encodeURIComponent(file.name)}`,
      url_private_download: `${this.baseUrl}${path}/download/${encodeURIComponent(file.name)}`,
    };
  }

  /** `GET /files-pri/<team>-<id>/...` on the Slack host. */
  serve(req: IncomingMessage, res: ServerResponse): void {
    this.requests.push({ host: 'slack', path: req.url ?? '', authorization: req.headers.authorization });
    this.changed();
    const id = /\/files-pri\/[^-]+-([^/]+)\//.exec(req.url ?? '')?.[1] ?? '';
    const file = this.hosted.get(id);
    if (!file) return void res.writeHead(404).end();
    if (req.headers.authorization !== `Bearer ${FAKE_TEAM.botToken}`) {
      // Slack answers an unauthenticated file request with its sign-in page, not the file.
      return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Sign in to Slack</html>');
    }
    if (file.redirectElsewhere) {
      return void res.writeHead(302, { location: `${this.elsewhere.url}/cdn/${id}/${file.name}` }).end();
    }
    res.writeHead(200, { 'content-type': file.mimetype ?? 'application/octet-stream' }).end(file.bytes);
  }

  async close(): Promise<void> {
    this.elsewhere.server.closeAllConnections();
    await new Promise<void>((resolve) => this.elsewhere.server.close(() => resolve()));
  }
}
