// The electron-updater "generic" feed: a static folder served under /updates/
// (latest.yml, latest-mac.yml, latest-linux.yml, installers and their blockmaps).
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_UPDATES_DIR = fileURLToPath(new URL('./updates', import.meta.url));

const README = `# Update feed

Files in this folder are served at /updates/ for electron-updater's generic provider
(publish: { provider: generic, url: https://<server>/updates/ }).

Copy the output of the packaging step here: latest.yml (Windows), latest-mac.yml,
latest-linux.yml, the installers and their .blockmap files. Upload the installers first and
the latest*.yml last, so a client never sees a manifest whose file is not there yet.
`;

/** Creates the folder (with a README) when missing; returns its absolute path. */
export function ensureUpdatesDir(dir: string): string {
  const abs = resolve(dir);
  if (!existsSync(abs)) {
    mkdirSync(abs, { recursive: true });
    writeFileSync(join(abs, 'README.md'), README);
  }
  return abs;
}

export async function registerUpdateFeed(app: FastifyInstance, dir: string): Promise<void> {
  await app.register(fastifyStatic, {
    root: ensureUpdatesDir(dir),
    prefix: '/updates/',
    decorateReply: false,
    index: false,
    dotfiles: 'deny',
    // Manifests must be re-read on every check; installers are immutable (versioned names).
    setHeaders(reply, path) {
      reply.header('cache-control', /\.ya?ml$/i.test(path) ? 'no-cache' : 'public, max-age=86400');
    },
  });
}
