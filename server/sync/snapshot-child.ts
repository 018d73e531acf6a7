// A snapshot build in a process of its own (see ./snapshot.ts): node --import tsx
// server/sync/snapshot-child.ts '{"target","dir","workspaceId"}'. Prints {"snapshot": SnapshotFile}
// on stdout and exits 0; anything else is a failed build.
import { createServerDb, isPostgresUrl } from '../db';
import type { SyncDb } from './schema';
import { buildSnapshot } from './snapshot';

const args = JSON.parse(process.argv[2] ?? '{}') as {
  target: string;
  dir: string;
  workspaceId: string;
};
const db = await createServerDb(
  isPostgresUrl(args.target) ? { url: args.target, poolMax: 1 } : { file: args.target },
);
// Stopped (the server is shutting down): the database connection is closed first, so the
// database sees the session end rather than a vanished client.
process.once('SIGTERM', () => {
  void db.destroy().finally(() => process.exit(143));
});
try {
  const snapshot = await buildSnapshot(db.db as unknown as SyncDb, args.dir, args.workspaceId);
  process.stdout.write(`${JSON.stringify({ snapshot })}\n`);
} finally {
  await db.destroy();
}
