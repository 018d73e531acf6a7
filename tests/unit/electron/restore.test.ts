// Backup and restore of the store file, through main's HostProcess and the real core host
// (in-process fakes of the utility process), on real SQLite files in a temp folder.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostProcess } from '../../../electron/main/host-process';
import { backupFileName, backupStore, restoreStore } from '../../../electron/main/restore';
import { InProcessUtility } from './fakes';

let dir: string;
let storeFile: string;
let host: HostProcess;

async function businessName(): Promise<string | null> {
  const r = await host.call('workspace.get', {});
  if (!r.ok) throw new Error(r.error.message);
  return (r.value as { settings: { name: string } | null }).settings?.name ?? null;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qundesk-restore-'));
  storeFile = join(dir, 'qundesk.sqlite');
  host = new HostProcess({
    storeFile,
    log: { info: () => undefined, error: () => undefined },
    fork: () => new InProcessUtility(),
  });
  await host.start();
  await host.call('workspace.init', { name: 'Before' });
});

afterEach(async () => {
  await host.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('backup and restore', () => {
  it('names backups by local date and time', () => {
    expect(backupFileName(new Date(2026, 10, 27, 9, 5))).toBe(
      'qundesk-backup-2026-11-27-0905.sqlite',
    );
  });

  it('backs up, then restores the backup over later changes, keeping a safety copy', async () => {
    const backup = join(dir, 'backup.sqlite');
    writeFileSync(backup, 'an older file the user chose to overwrite');
    await backupStore(host, backup);
    await host.call('workspace.update', { name: 'After' });
    expect(await businessName()).toBe('After');

    const { safetyBackup } = await restoreStore(host, storeFile, backup);
    expect(await businessName()).toBe('Before');
    expect(existsSync(safetyBackup)).toBe(true);
    expect(existsSync(`${storeFile}.restore`)).toBe(false);

    // The safety copy holds the data from just before the restore.
    await restoreStore(host, storeFile, safetyBackup);
    expect(await businessName()).toBe('After');
  });

  it('refuses a file that is not a store and leaves the current store untouched', async () => {
    const junk = join(dir, 'junk.sqlite');
    writeFileSync(junk, 'this is not a database, just text that is long enough to look like one');
    await expect(restoreStore(host, storeFile, junk)).rejects.toThrow();
    expect(await businessName()).toBe('Before');
    expect(existsSync(`${storeFile}.restore`)).toBe(false);
  });

  it('refuses an SQLite file that is not a QunDesk store', async () => {
    const other = join(dir, 'other-app.sqlite');
    const db = new Database(other);
    db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)');
    db.close();
    await expect(restoreStore(host, storeFile, other)).rejects.toThrow(/not a QunDesk store/);
    expect(await businessName()).toBe('Before');
  });

  it('puts the previous store back when the restored one cannot be reopened', async () => {
    const backup = join(dir, 'b.sqlite');
    await backupStore(host, backup);
    let opens = 0;
    const flaky = {
      call: host.call.bind(host),
      validate: host.validate.bind(host),
      closeStore: host.closeStore.bind(host),
      openStore: async (file?: string) => {
        if (opens++ === 0) throw new Error('disk went away');
        return host.openStore(file);
      },
    };
    await expect(restoreStore(flaky, storeFile, backup)).rejects.toThrow(
      /previous store was put back/,
    );
    expect(await businessName()).toBe('Before');
  });
});
