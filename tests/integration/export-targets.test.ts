// Output never lands on the open store: exports, reports and backups refuse the store file, its
// -wal/-shm/-journal files and its backups (by real path: symlinks, hard links and other
// spellings of the name are caught), and an export never replaces another SQLite database.
// Existing files are replaced through a temporary file and a rename, so a failure mid-write
// leaves the old file whole. On real SQLite files; the CLI also through the real bin.
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { newBusiness, type TestBusiness } from '../support/store';
import { AppError } from '../../core/api/errors';
import { runCli } from '../../core/cli/program';
import { writeTable } from '../../core/exports/write';
import type { ExportTable } from '../../core/exports/table';

const REPO = resolve(import.meta.dirname, '../..');

let biz: TestBusiness;
afterEach(async () => {
  await biz?.close();
});

/** The store still opens, is intact and holds its customer. */
function expectStoreIntact(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare('SELECT count(*) FROM customers').pluck().get()).toBe(1);
  } finally {
    db.close();
  }
}

/** A refusal that names the field and the path, and says what to do. */
async function expectRefused(call: Promise<unknown>, field: string, path: string) {
  const err = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  const e = err as AppError;
  expect(e.code).toBe('VALIDATION');
  expect(e.details?.issues?.[0]?.path).toBe(field);
  expect(e.message).toContain(resolve(path));
  expect(e.message).toMatch(/Choose another file name/);
}

const range = { from: '2026-03-01', to: '2026-03-31' };

async function business() {
  biz = await newBusiness();
  await biz.core.invoke('customer.create', { name: '张三', phone: '13812345678' });
  return biz;
}

describe('the core never writes output onto the open store', () => {
  it('export.run and report.export refuse the store file, as CSV and as XLSX', async () => {
    const b = await business();
    const before = b.snapshot();
    // export.run takes only .csv/.xlsx names: one that links to the store.
    const link = join(b.dir, 'customers.csv');
    symlinkSync(b.file, link);
    await expectRefused(
      b.core.invoke('export.run', { kind: 'customers', file: link }),
      'file',
      link,
    );
    await expectRefused(
      b.core.invoke('report.export', { ...range, file: b.file, format: 'csv' }),
      'file',
      b.file,
    );
    await expectRefused(
      b.core.invoke('report.export', { ...range, file: b.file, format: 'xlsx' }),
      'file',
      b.file,
    );
    // Nothing written: no file, no personal-data log entry.
    expect(b.snapshot()).toEqual(before);
    expect(readdirSync(b.dir).filter((f) => f.includes('.partial'))).toEqual([]);
    expectStoreIntact(b.file);
  });

  it('refuses the -wal, -shm and -journal files, there or not', async () => {
    const b = await business();
    for (const suffix of ['-wal', '-shm', '-journal']) {
      const file = `${b.file}${suffix}`;
      const existed = existsSync(file);
      const size = existed ? statSync(file).size : 0;
      await expectRefused(
        b.core.invoke('report.export', { ...range, file, format: 'csv' }),
        'file',
        file,
      );
      expect(existsSync(file)).toBe(existed);
      if (existed) expect(statSync(file).size).toBe(size);
    }
    expectStoreIntact(b.file);
  });

  it('follows symlinks, hard links and other spellings of the store path', async () => {
    const b = await business();
    const link = join(b.dir, 'link.csv');
    symlinkSync(b.file, link);
    const hard = join(b.dir, 'hard.csv');
    linkSync(b.file, hard);
    const walLink = join(b.dir, 'wal-link.csv');
    symlinkSync(`${b.file}-wal`, walLink);
    mkdirSync(join(b.dir, 'sub'));
    const spelled = join(b.dir, 'sub', '..', '.', 'store.sqlite');
    for (const file of [link, hard, walLink]) {
      await expectRefused(b.core.invoke('export.run', { kind: 'products', file }), 'file', file);
    }
    await expectRefused(
      b.core.invoke('report.export', { ...range, file: spelled, format: 'csv' }),
      'file',
      spelled,
    );
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expectStoreIntact(b.file);
  });

  it("refuses the store's backups and any other SQLite database", async () => {
    const b = await business();
    // The backup openStore makes before a migration: <store>.v<N>-<time>.bak.
    const bak = `${b.file}.v3-20261208T0100.bak`;
    b.store.sqlite.prepare('VACUUM INTO ?').run(bak);
    await expectRefused(
      b.core.invoke('report.export', { ...range, file: bak, format: 'csv' }),
      'file',
      bak,
    );
    const other = join(b.dir, 'other.csv');
    const db = new Database(other);
    db.exec('CREATE TABLE t (x)');
    db.close();
    const size = statSync(other).size;
    await expectRefused(
      b.core.invoke('export.run', { kind: 'products', file: other }),
      'file',
      other,
    );
    expect(statSync(other).size).toBe(size);
    expect(readFileSync(other).subarray(0, 15).toString()).toBe('SQLite format 3');
  });

  it('commission.reportExport and store.backup refuse the store too', async () => {
    const b = await business();
    const hard = join(b.dir, 'commissions.xlsx');
    linkSync(b.file, hard);
    await expectRefused(
      b.core.invoke('commission.reportExport', { ...range, file: hard }),
      'file',
      hard,
    );
    await expectRefused(b.core.invoke('store.backup', { to: b.file }), 'to', b.file);
    await expectRefused(
      b.core.invoke('store.backup', { to: `${b.file}-shm` }),
      'to',
      `${b.file}-shm`,
    );
    expectStoreIntact(b.file);
    // An older backup is replaced whole, with its stale -wal removed.
    const older = join(b.dir, 'backup.sqlite');
    writeFileSync(older, 'an older file');
    writeFileSync(`${older}-wal`, 'stale');
    await b.core.invoke('store.backup', { to: older });
    expectStoreIntact(older);
    expect(existsSync(`${older}-wal`)).toBe(false);
  });

  it('replaces an existing export by a rename: the old file stays whole when writing fails', async () => {
    const b = await business();
    const file = join(b.dir, 'customers.csv');
    writeFileSync(file, 'the old export\r\n');
    // Writing through a symlink replaces what it points at; the link stays.
    const link = join(b.dir, 'latest.csv');
    symlinkSync(file, link);
    const failing: ExportTable = {
      title: 'x',
      columns: [{ header: 'a', type: 'text' }],
      rowCount: 2,
      async *pages() {
        yield [['one']];
        throw new Error('disk full');
      },
    };
    const options = {
      format: 'csv' as const,
      decimals: 2,
      notes: { subject: 's', filters: 'f', madeAt: 'm', version: 'v', remarks: [] },
      store: [b.file],
      onRows: () => undefined,
    };
    await expect(writeTable(failing, { ...options, file: link })).rejects.toThrow('disk full');
    expect(readFileSync(file, 'utf8')).toBe('the old export\r\n');
    expect(readdirSync(b.dir).sort()).toEqual([
      'customers.csv',
      'latest.csv',
      'store.sqlite',
      'store.sqlite-shm',
      'store.sqlite-wal',
    ]);

    const r = await b.core.invoke('export.run', { kind: 'customers', file: link });
    expect(r.rows).toBe(1);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(file, 'utf8')).toContain('张三');
    expect(readdirSync(b.dir).filter((f) => f.includes('.partial'))).toEqual([]);
  });
});

describe('the CLI never writes output onto the store', () => {
  /** The real command, as a seller runs it (node + tsx). */
  function spawnCli(args: string[]) {
    const { QUNDESK_STORE: _ignored, ...env } = process.env;
    const r = spawnSync(process.execPath, ['bin/qundesk.mjs', ...args], {
      cwd: REPO,
      env,
      encoding: 'utf8',
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
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

  it('report pnl --out the store (csv, xlsx) exits 1 with the path; the store is whole', async () => {
    const b = await business();
    await b.store.close();
    const size = statSync(b.file).size;
    const pnl = ['--store', b.file, 'report', 'pnl', '--from', '2026-12-01', '--to', '2026-12-07'];
    for (const format of ['csv', 'xlsx']) {
      const r = spawnCli([...pnl, '--format', format, '--out', b.file]);
      expect(r.code, r.err).toBe(1);
      expect(r.out).toBe('');
      expect(r.err).toContain(b.file);
      expect(r.err).toMatch(/store QunDesk has open.*Choose another file name/);
      expect(statSync(b.file).size).toBe(size);
      expectStoreIntact(b.file);
    }
  });

  it('refuses the store for every output: json and table --out, export FILE', async () => {
    const b = await business();
    await b.store.close();
    const pnl = [
      '--store',
      b.file,
      'report',
      'pnl',
      ...Object.entries(range).flatMap(([k, v]) => [`--${k}`, v]),
    ];
    const wal = `${b.file}-wal`;
    // export names a .csv or .xlsx file: here one that links to the store.
    const link = join(b.dir, 'shop.csv');
    symlinkSync(b.file, link);
    const runs = [
      await cli([...pnl, '--format', 'json', '--out', wal]),
      await cli([...pnl, '--out', b.file]),
      await cli([
        '--store',
        b.file,
        'report',
        'commissions',
        ...pnl.slice(4),
        '--format',
        'json',
        '--out',
        b.file,
      ]),
      await cli(['--store', b.file, 'export', 'customers', link]),
    ];
    for (const r of runs) {
      expect(r.code, r.err).toBe(1);
      expect(r.err).toMatch(/store.*Choose another file name/);
    }
    expectStoreIntact(b.file);
    // A file that is not the store is written, and written again over the old one.
    const out = join(b.dir, 'pnl.json');
    writeFileSync(out, 'old');
    const ok = await cli([...pnl, '--format', 'json', '--out', out]);
    expect(ok.code, ok.err).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ from: range.from });
    expect(readdirSync(b.dir).filter((f) => f.includes('.partial'))).toEqual([]);
  });
});
