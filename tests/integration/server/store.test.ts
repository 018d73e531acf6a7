// The server's SQLite store (the embedded server's default): a push is acknowledged only once
// its commit is on disk, so a power cut cannot take back pushes devices were told were applied.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createServerDb } from '../../../server/db';

const dir = mkdtempSync(join(tmpdir(), 'qd-server-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('server SQLite store', () => {
  it('writes ahead to a log and syncs it at every commit', async () => {
    const store = await createServerDb({ file: join(dir, 'server.sqlite') });
    try {
      const journal = await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(store.db);
      const synchronous = await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(store.db);
      expect(journal.rows[0]?.journal_mode).toBe('wal');
      expect(synchronous.rows[0]?.synchronous).toBe(2); // FULL (NORMAL is 1)
    } finally {
      await store.destroy();
    }
  });
});
