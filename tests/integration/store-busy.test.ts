// A store that another QunDesk process is writing to (the app while the CLI runs, or the
// other way round): writers wait their turn, and when the other one holds on past the busy
// timeout the call fails as STORE_BUSY, names no rows and writes nothing. The other process is
// a real one (node + better-sqlite3 on the same file, holding a write transaction).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openStore, type Store } from '../../db/store';
import { createCore } from '../../core/api/dispatcher';
import { openHost } from '../../core/host/host';
import { runCli } from '../../core/cli/program';
import { writeCsv } from '../support/imports-fixtures';

const REPO = resolve(import.meta.dirname, '../..');

/**
 * Another process that takes the store's write lock (BEGIN IMMEDIATE and a write) and prints
 * "locked". `releaseAfterMs`: commits by itself after that long; otherwise it holds the lock
 * until it reads a line on stdin, then rolls back.
 */
async function otherWriter(
  file: string,
  releaseAfterMs?: number,
): Promise<ChildProcessWithoutNullStreams> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(file)});
    db.pragma('busy_timeout = 5000');
    db.exec('BEGIN IMMEDIATE');
    db.prepare("UPDATE settings SET value = value WHERE key = 'workspace.name'").run();
    process.stdout.write('locked\\n');
    const release = (how) => { db.exec(how); db.close(); process.exit(0); };
    ${
      releaseAfterMs === undefined
        ? "process.stdin.once('data', () => release('ROLLBACK'));"
        : `setTimeout(() => release('COMMIT'), ${releaseAfterMs});`
    }
  `;
  const child = spawn(process.execPath, ['-e', script], { cwd: REPO });
  let out = '';
  child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
  while (!out.includes('locked')) {
    const [chunk] = (await Promise.race([
      once(child.stdout, 'data'),
      once(child, 'exit').then(() => {
        throw new Error('the other writer exited before taking the lock');
      }),
    ])) as [Buffer];
    out += chunk.toString();
  }
  return child;
}

async function release(child: ChildProcessWithoutNullStreams): Promise<void> {
  const exited = once(child, 'exit');
  child.stdin.write('go\n');
  await exited;
}

const customerRows = (n: number) => [
  ['name', 'phone'],
  ...Array.from({ length: n }, (_, i) => [`客户${i + 1}`, `1380000${String(i).padStart(4, '0')}`]),
];

let dir: string;
let file: string;
let store: Store | undefined;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qundesk-busy-'));
  file = join(dir, 'store.sqlite');
  const s = openStore(file);
  await createCore({ store: s }).invoke('workspace.init', { name: '忙碌的小店' });
  await s.close();
});

afterEach(async () => {
  await store?.close();
  store = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const countCustomers = (s: Store) =>
  s.sqlite.prepare('SELECT count(*) FROM customers').pluck().get() as number;

describe('a store another process is writing to', () => {
  it('an import waits for the other writer and then goes through', async () => {
    store = openStore(file, { busyTimeoutMs: 20_000 });
    const core = createCore({ store });
    const csv = writeCsv(dir, 'customers.csv', customerRows(50));
    // Read before the other process writes: the import's transaction then has to wait.
    expect(countCustomers(store)).toBe(0);
    const other = await otherWriter(file, 300);
    const exited = once(other, 'exit');
    const result = await core.call('import.run', { kind: 'customers', file: csv });
    await exited;
    expect(result).toMatchObject({ ok: true, value: { inserted: 50, errors: [] } });
    expect(countCustomers(store)).toBe(50);
  });

  it('an import refused as STORE_BUSY when the other writer holds on past the timeout: no rows named, nothing written', async () => {
    store = openStore(file, { busyTimeoutMs: 200 });
    const core = createCore({ store });
    const csv = writeCsv(dir, 'customers.csv', customerRows(30));
    const other = await otherWriter(file);
    try {
      const result = await core.call('import.run', { kind: 'customers', file: csv });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.code).toBe('STORE_BUSY');
      expect(result.error.message).toMatch(/Another QunDesk \(the app or the command line\)/);
      expect(result.error.message).toMatch(/Nothing was written/);
      expect(result.error.message).not.toMatch(/row/i);
      expect(JSON.stringify(result.error)).not.toMatch(/database is locked/);
    } finally {
      await release(other);
    }
    expect(countCustomers(store)).toBe(0);
    // Once the other one is done, the same import goes through.
    const again = await core.call('import.run', { kind: 'customers', file: csv });
    expect(again).toMatchObject({ ok: true, value: { inserted: 30 } });
  });

  it('the host answers STORE_BUSY (not INTERNAL) for a single write', async () => {
    store = openStore(file, { busyTimeoutMs: 200 });
    const host = openHost({ storeFile: file, store });
    const other = await otherWriter(file);
    try {
      const { result } = await host.handle({
        id: '1',
        method: 'customer.create',
        input: { name: '张三' },
      });
      expect(result).toMatchObject({ ok: false, error: { code: 'STORE_BUSY' } });
    } finally {
      await release(other);
    }
    expect(countCustomers(store)).toBe(0);
    await host.close();
    store = undefined;
  });

  it('the CLI prints the same plain words and exits 1', async () => {
    const csv = writeCsv(dir, 'customers.csv', customerRows(20));
    const other = await otherWriter(file);
    let out = '';
    let err = '';
    let code: number;
    try {
      code = await runCli(['--store', file, 'import', 'customers', csv], {
        out: (t) => void (out += t),
        err: (t) => void (err += t),
        isTTY: false,
        env: { QUNDESK_BUSY_TIMEOUT_MS: '200' },
      });
    } finally {
      await release(other);
    }
    expect(code).toBe(1);
    expect(err).toMatch(
      /^error: Another QunDesk \(the app or the command line\) is using this store/m,
    );
    expect(err + out).not.toMatch(/row \d|database is locked/);
    store = openStore(file);
    expect(countCustomers(store)).toBe(0);
  });
});
