// A damaged store (4 KB overwritten inside a table's pages of a real store file, the header
// left alone): the integrity check reports it instead of failing, opening it finds it (quick
// check) and opens it read-only, writes are refused as STORE_DAMAGED and write nothing, and
// the daily backup the host made earlier is restored: the store opens clean with its data.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '../../db/store';
import { backupsDir, listBackups, writeDailyBackup } from '../../db/backups';
import { openHost, type Host } from '../../core/host/host';
import { runCli } from '../../core/cli/program';
import { writeCsv } from '../support/imports-fixtures';
import { testClock } from '../support/store';

let dir: string;
let file: string;
let host: Host | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qundesk-damaged-'));
  file = join(dir, 'store.sqlite');
});

afterEach(async () => {
  await host?.close();
  host = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function call(h: Host, method: string, input: unknown = {}) {
  return (await h.handle({ id: method, method, input })).result;
}

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    isTTY: false,
    env: {},
  });
  return { code, out, err };
}

const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

/** Overwrites one whole leaf page of the customers table (not page 1, the header). */
function damageCustomersPage(storeFile: string): void {
  const probe = new Database(storeFile, { readonly: true });
  const pageSize = probe.pragma('page_size', { simple: true }) as number;
  const leaves = probe
    .prepare(
      "SELECT pageno FROM dbstat WHERE name = 'customers' AND pagetype = 'leaf' ORDER BY pageno",
    )
    .pluck()
    .all() as number[];
  probe.close();
  expect(leaves.length).toBeGreaterThan(4);
  const page = leaves[Math.floor(leaves.length / 2)]!;
  expect(page).toBeGreaterThan(1);
  const fd = openSync(storeFile, 'r+');
  writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, (page - 1) * pageSize);
  closeSync(fd);
}

/** A business with 2,000 customers (enough for many pages), closed cleanly. */
async function businessWithCustomers(): Promise<void> {
  const h = openHost({ storeFile: file, clock: testClock(), autoBackupAfterMs: false });
  expect((await call(h, 'workspace.init', { name: '小店' })).ok).toBe(true);
  const csv = writeCsv(dir, 'customers.csv', [
    ['name', 'phone', 'notes'],
    ...Array.from({ length: 2000 }, (_, i) => [
      `客户${i + 1}`,
      `1390000${String(i).padStart(4, '0')}`,
      '老客户，每周团购水果和零食',
    ]),
  ]);
  expect(await call(h, 'import.run', { kind: 'customers', file: csv })).toMatchObject({
    ok: true,
    value: { inserted: 2000 },
  });
  await h.close();
}

const customers = (h: Host) =>
  h.core.store.sqlite.prepare('SELECT count(*) FROM customers').pluck().get() as number;

describe('a damaged store', () => {
  it('store.integrity reports ok: false with the problems (CLI exits 0 with the report)', async () => {
    await businessWithCustomers();
    damageCustomersPage(file);
    const r = await cli(['--store', file, 'call', 'store.integrity']);
    expect(r.err).not.toMatch(/malformed/);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as { ok: boolean; problems: string[] };
    expect(report.ok).toBe(false);
    expect(report.problems.length).toBeGreaterThan(0);
  });

  it('opens read-only: writes refused as STORE_DAMAGED, the file unchanged; no daily backup over the good ones', async () => {
    await businessWithCustomers();
    damageCustomersPage(file);
    const before = sha(file);
    host = openHost({ storeFile: file, clock: testClock(), autoBackupAfterMs: false });
    expect(host.core.store.damaged).not.toBeNull();
    const status = await call(host, 'store.backups');
    expect(status).toMatchObject({ ok: true, value: { damaged: true } });
    const refused = await call(host, 'customer.create', { name: '新客户' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'STORE_DAMAGED' } });
    if (!refused.ok) expect(refused.error.message).toMatch(/backup/);
    expect(await host.dailyBackup()).toBeNull();
    expect(listBackups(file)).toEqual([]);
    await host.close();
    host = undefined;
    expect(sha(file)).toBe(before);
    // The CLI opens it the same way.
    const r = await cli(['--store', file, 'call', 'customer.create', '{"name":"新客户"}']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: The store file is damaged/m);
    expect(sha(file)).toBe(before);
  });

  it('is restored from the daily backup: opens clean with the backup’s data and takes writes again', async () => {
    await businessWithCustomers();
    host = openHost({ storeFile: file, clock: testClock(), autoBackupAfterMs: false });
    const daily = await host.dailyBackup();
    expect(daily).toBe(join(backupsDir(file), 'daily-2026-03-15.sqlite'));
    // Once a day: a second call the same day writes nothing.
    expect(await host.dailyBackup()).toBeNull();
    // A change after the backup: the restore goes back to before it.
    expect((await call(host, 'customer.create', { name: '备份之后' })).ok).toBe(true);
    await host.close();
    host = undefined;

    damageCustomersPage(file);
    const probe = openStore(file);
    expect(probe.damaged).toEqual(expect.arrayContaining([expect.any(String)]));
    await probe.close();

    host = openHost({ storeFile: file, clock: testClock(), autoBackupAfterMs: false });
    const listed = await call(host, 'store.backups');
    expect(listed).toMatchObject({
      ok: true,
      value: { damaged: true, backups: [{ name: 'daily-2026-03-15.sqlite', kind: 'daily' }] },
    });
    expect(await call(host, 'store.restoreBackup', { name: '../store.sqlite' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    const restored = await call(host, 'store.restoreBackup', { name: 'daily-2026-03-15.sqlite' });
    expect(restored).toMatchObject({
      ok: true,
      value: { restored: 'daily-2026-03-15.sqlite', damaged: false },
    });
    expect(host.core.store.damaged).toBeNull();
    expect(await call(host, 'store.integrity')).toMatchObject({
      ok: true,
      value: { ok: true, problems: [] },
    });
    expect(customers(host)).toBe(2000);
    expect(
      host.core.store.sqlite
        .prepare("SELECT count(*) FROM customers WHERE name = '备份之后'")
        .pluck()
        .get(),
    ).toBe(0);
    expect((await call(host, 'customer.create', { name: '恢复之后' })).ok).toBe(true);
    // The damaged store is kept beside the backups (a restore can be undone), and the
    // damaged copy is refused as a backup.
    const kept = listBackups(file).find((b) => b.kind === 'before-restore')!;
    expect(existsSync(kept.file)).toBe(true);
    expect(await call(host, 'store.restoreBackup', { name: kept.name })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_STATE', message: expect.stringMatching(/damaged too/) },
    });
    expect(customers(host)).toBe(2001);
  });

  it('keeps the newest N daily backups', () => {
    const db = new Database(file);
    db.exec('CREATE TABLE t(x); INSERT INTO t VALUES (1)');
    for (const day of ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04'])
      writeDailyBackup(db, file, day, 2);
    db.close();
    expect(
      listBackups(file)
        .map((b) => b.name)
        .sort(),
    ).toEqual(['daily-2026-03-03.sqlite', 'daily-2026-03-04.sqlite']);
  });
});
