// Browser mode: the core host and the built renderer over HTTP on 127.0.0.1, guarded by a
// per-launch token (no token, no data: every /api request without it gets 401).
// Same contract as Electron, different transport: POST /api/call carries {id, method, input}.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve, sep } from 'node:path';
import { z } from 'zod';
import { openHost, type Host, type HostEvent } from './host';
import type { AppInfo } from './bridge';
import { APP_VERSION } from '../exports/about';
import { jsonTextDepth, MAX_JSON_DEPTH } from '../shared/json-depth';

export interface WebHostOptions {
  storeFile: string;
  port?: number;
  hostname?: string;
  /** The built renderer (electron-vite build → out/renderer). */
  rendererDir: string;
  /** Where exports are written in browser mode, served back as downloads. */
  filesDir?: string;
  token?: string;
  host?: Host;
}

export interface WebHost {
  url: string;
  token: string;
  host: Host;
  filesDir: string;
  close(): Promise<void>;
}

const MAX_BODY = 20 * 1024 * 1024;
const tooDeep = `The request body nests more than ${MAX_JSON_DEPTH} levels deep (objects and arrays inside one another); nothing was done.`;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.csv': 'text/csv; charset=utf-8',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.pdf': 'application/pdf',
};

export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const callBody = z.object({
  id: z.string().min(1).max(100),
  method: z.string().min(1).max(100),
  input: z.unknown(),
});
const cancelBody = z.object({ id: z.string().min(1).max(100) });

function sameToken(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function tokenOf(req: IncomingMessage, url: URL): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  return url.searchParams.get('token');
}

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(text);
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        fail(Object.assign(new Error('Request body too large'), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8') || 'null';
      // Measured without recursion before anything walks it (see core/shared/json-depth.ts).
      if (jsonTextDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
        fail(Object.assign(new Error(tooDeep), { status: 400 }));
        return;
      }
      try {
        ok(JSON.parse(text));
      } catch {
        fail(Object.assign(new Error('The request body is not JSON'), { status: 400 }));
      }
    });
    req.on('error', fail);
  });
}

/** Resolves a request path inside root, or null when it would leave it. */
export function safeJoin(root: string, path: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const full = resolve(root, '.' + (decoded.startsWith('/') ? decoded : `/${decoded}`));
  const base = resolve(root);
  return full === base || full.startsWith(base + sep) ? full : null;
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const host = options.host ?? openHost({ storeFile: options.storeFile });
  const filesDir = resolve(options.filesDir ?? join(dirname(resolve(host.storeFile)), 'exports'));
  mkdirSync(filesDir, { recursive: true });
  const rendererDir = resolve(options.rendererDir);
  const streams = new Set<ServerResponse>();

  const unsubscribe = host.subscribe((event: HostEvent) => {
    const line = `data: ${JSON.stringify(event)}\n\n`;
    for (const s of streams) s.write(line);
  });

  const info = (): AppInfo & { filesDir: string } => ({
    mode: 'browser',
    version: APP_VERSION,
    storeFile: resolve(host.storeFile),
    dataFolder: dirname(resolve(host.storeFile)),
    filesDir,
  });

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    if (path.startsWith('/api/')) {
      if (!sameToken(tokenOf(req, url), token)) {
        send(res, 401, { code: 'UNAUTHORIZED', message: 'Missing or wrong token' });
        return;
      }
      void api(req, res, url).catch((err: Error & { status?: number }) => {
        if (!res.headersSent)
          send(res, err.status ?? 500, { code: 'BAD_REQUEST', message: err.message });
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, { code: 'METHOD', message: 'Method not allowed' });
      return;
    }
    let file = safeJoin(rendererDir, path === '/' ? '/index.html' : path);
    if (!file) {
      send(res, 400, { code: 'BAD_PATH', message: 'Bad path' });
      return;
    }
    if (!existsSync(file) || !statSync(file).isFile()) file = join(rendererDir, 'index.html');
    if (!existsSync(file)) {
      send(res, 500, {
        code: 'NOT_BUILT',
        message: 'The renderer is not built: run npm run build',
      });
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'cache-control': extname(file) === '.html' ? 'no-store' : 'max-age=3600',
    });
    createReadStream(file).pipe(res);
  });

  async function api(req: IncomingMessage, res: ServerResponse, url: URL) {
    const path = url.pathname;
    if (path === '/api/info' && req.method === 'GET') return send(res, 200, info());
    if (path === '/api/call' && req.method === 'POST') {
      const parsed = callBody.safeParse(await readJson(req));
      if (!parsed.success) {
        return send(res, 400, { code: 'BAD_REQUEST', message: 'Expected {id, method, input}' });
      }
      const { id, method, input } = parsed.data;
      return send(res, 200, await host.handle({ id, method, input }));
    }
    if (path === '/api/cancel' && req.method === 'POST') {
      const parsed = cancelBody.safeParse(await readJson(req));
      if (!parsed.success) return send(res, 400, { code: 'BAD_REQUEST', message: 'Expected {id}' });
      return send(res, 200, { cancelled: host.cancel(parsed.data.id) });
    }
    if (path === '/api/events' && req.method === 'GET') {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write(': connected\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    if (path.startsWith('/api/files/') && req.method === 'GET') {
      const name = basename(decodeURIComponent(path.slice('/api/files/'.length)));
      const file = safeJoin(filesDir, name);
      if (!file || !existsSync(file)) return send(res, 404, { code: 'NOT_FOUND', message: name });
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
      });
      createReadStream(file).pipe(res);
      return;
    }
    send(res, 404, { code: 'NOT_FOUND', message: `No route ${req.method} ${path}` });
  }

  const hostname = options.hostname ?? '127.0.0.1';
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, hostname, () => ok());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${hostname}:${port}/?token=${token}`;

  return {
    url,
    token,
    host,
    filesDir,
    async close() {
      unsubscribe();
      for (const s of streams) s.end();
      streams.clear();
      await new Promise<void>((ok) => server.close(() => ok()));
      server.closeAllConnections();
      await host.close();
    },
  };
}
