// `npm run server` as a real process: environment settings, the JWT secret file, structured
// logs, and a graceful stop on SIGTERM/SIGINT. Needs PostgreSQL for the DATABASE_URL case.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createPgDatabase } from '../../support/pg';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Running {
  child: ChildProcess;
  base: string;
  lines: () => Record<string, unknown>[];
  exit: Promise<number | null>;
}

function run(env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      QUNDESK_JWT_SECRET: '',
      DATABASE_URL: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const lines = () =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const listening = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (listening) resolve({ child, base: listening[1]!, lines, exit });
    });
    void exit.then((code) =>
      reject(new Error(`server exited (${code}) before listening: ${err}${out}`)),
    );
  });
}

function runToExit(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', QUNDESK_JWT_SECRET: '', DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

describe('npm run server', { timeout: 180_000 }, () => {
  it('runs on a SQLite file with a generated, persisted JWT secret, and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qd-main-'));
    dirs.push(dir);
    const file = join(dir, 'data', 'server.sqlite');
    const server = await run({ QUNDESK_SERVER_DB: file, UPDATES_DIR: join(dir, 'updates') });
    const health = (await (await fetch(`${server.base}/v1/health`)).json()) as Record<
      string,
      unknown
    >;
    expect(health).toMatchObject({ ok: true, db: { reachable: true, dialect: 'sqlite' } });
    expect(existsSync(join(dir, 'updates', 'README.md'))).toBe(true);

    const secretFile = `${file}.jwt-secret`;
    expect(readFileSync(secretFile, 'utf8').trim().length).toBeGreaterThanOrEqual(32);
    expect(statSync(secretFile).mode & 0o077).toBe(0);
    expect(
      server.lines().some((l) => l.level === 40 && String(l.msg).includes('QUNDESK_JWT_SECRET')),
    ).toBe(true);

    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
    expect(server.lines().map((l) => l.msg)).toContain('stopped');

    // Restarted on the same file: the same secret, so issued tokens stay valid.
    const secret = readFileSync(secretFile, 'utf8');
    const again = await run({ QUNDESK_SERVER_DB: file });
    expect(readFileSync(secretFile, 'utf8')).toBe(secret);
    again.child.kill('SIGINT');
    expect(await again.exit).toBe(0);
  });

  it('runs on PostgreSQL from DATABASE_URL', async () => {
    const database = await createPgDatabase();
    try {
      const server = await run({ DATABASE_URL: database.url, QUNDESK_JWT_SECRET: 'x'.repeat(40) });
      const health = (await (await fetch(`${server.base}/v1/health`)).json()) as Record<
        string,
        unknown
      >;
      expect(health).toMatchObject({ ok: true, db: { reachable: true, dialect: 'postgres' } });
      server.child.kill('SIGTERM');
      expect(await server.exit).toBe(0);
    } finally {
      await database.drop();
    }
  });

  it('refuses to start on PostgreSQL without a shared JWT secret, or with a bad PORT', async () => {
    const noSecret = await runToExit({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(noSecret.code).toBe(1);
    expect(noSecret.stderr).toMatch(/QUNDESK_JWT_SECRET/);
    const badPort = await runToExit({ PORT: 'eighty' });
    expect(badPort.code).toBe(1);
    expect(badPort.stderr).toMatch(/PORT/);
  });
});
