// `npm run web [-- --store FILE] [-- --port N]`: browser mode. Builds the renderer if asked
// (its output goes to stderr), then prints the URL to open, token included, as the first
// line on stdout.
import { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWebHost } from './web';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const program = new Command('qundesk-web')
  .description('QunDesk in the browser: the core host and the UI on 127.0.0.1')
  .option('--store <file>', 'the store file', process.env.QUNDESK_STORE)
  .option('--port <n>', 'port (0 = any free port)', '0')
  .option('--no-build', 'serve the renderer already built in out/renderer')
  .option('--renderer <dir>', 'serve the built renderer from this folder (default out/renderer)')
  .parse();

const opts = program.opts<{ store?: string; port: string; build: boolean; renderer?: string }>();
const storeFile = resolve(opts.store ?? join(homedir(), '.qundesk', 'qundesk.sqlite'));
mkdirSync(dirname(storeFile), { recursive: true });

if (opts.build) {
  const built = spawnSync(process.execPath, [join(root, 'scripts/build-renderer.mjs')], {
    cwd: root,
    stdio: ['ignore', 2, 2],
  });
  if (built.status !== 0) {
    process.stderr.write('Building the renderer failed; see above.\n');
    process.exit(1);
  }
}

const web = await startWebHost({
  storeFile,
  port: Number(opts.port),
  rendererDir: opts.renderer ? resolve(opts.renderer) : join(root, 'out/renderer'),
});
process.stdout.write(`${web.url}\n`);
process.stderr.write(
  `QunDesk (browser mode) on ${web.url}\nStore: ${storeFile}\nCtrl+C to stop.\n`,
);

const stop = () => {
  void web.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
