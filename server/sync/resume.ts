// Re-joining: a store that was signed in to this workspace (signed out since, or revoked by
// mistake) signs in again as a new device and takes over from the device it was. The previous
// device must be the same login's in the same workspace; it is retired (revoked, its refresh
// tokens with it: the old credentials stay dead) and its last seq read under the workspace's
// counter lock, so no push of it can land after the answer. The store drops what that seq
// covers and sends the rest as the new device: nothing is applied twice.
import type { AuthContext } from '../auth';
import { HttpError } from '../errors';
import { MAX_RESUME_RESULTS, type ResumeBody, type ResumeResponse } from '../../core/sync/protocol';
import type { SyncDb } from './schema';

export async function resumeDevice(
  db: SyncDb,
  auth: AuthContext,
  body: ResumeBody,
  now: Date,
): Promise<ResumeResponse> {
  const ws = auth.workspaceId;
  return db.transaction().execute(async (trx) => {
    // The same lock a push takes first (engine.ts lockCounter): pushes of the previous device
    // that were already running have committed, later ones see it revoked.
    await trx
      .insertInto('sync_counters')
      .values({ workspace_id: ws, cursor: 0 })
      .onConflict((oc) =>
        oc.column('workspace_id').doUpdateSet({ cursor: (eb) => eb.ref('sync_counters.cursor') }),
      )
      .execute();
    const previous = await trx
      .selectFrom('devices')
      .select(['user_id', 'revoked_at'])
      .where('workspace_id', '=', ws)
      .where('id', '=', body.previousDeviceId)
      .executeTakeFirst();
    if (
      previous === undefined ||
      previous.user_id !== auth.userId ||
      body.previousDeviceId === auth.deviceId
    )
      throw new HttpError(
        'FORBIDDEN',
        'This store was signed in to the workspace by another login (or as a device the server does not know); sign in with that login, or open a new, empty store.',
        { previousDeviceId: body.previousDeviceId },
      );
    const at = now.toISOString();
    if (previous.revoked_at === null)
      await trx
        .updateTable('devices')
        .set({ revoked_at: at })
        .where('workspace_id', '=', ws)
        .where('id', '=', body.previousDeviceId)
        .execute();
    await trx
      .updateTable('refresh_tokens')
      .set({ revoked_at: at })
      .where('workspace_id', '=', ws)
      .where('device_id', '=', body.previousDeviceId)
      .where('revoked_at', 'is', null)
      .execute();
    const dev = await trx
      .selectFrom('sync_devices')
      .select('last_seq')
      .where('workspace_id', '=', ws)
      .where('device_id', '=', body.previousDeviceId)
      .executeTakeFirst();
    const refused = await trx
      .selectFrom('sync_mutations')
      .select(['seq', 'code', 'reason'])
      .where('workspace_id', '=', ws)
      .where('device_id', '=', body.previousDeviceId)
      .where('seq', '>', body.after)
      .where('status', '=', 'rejected')
      .orderBy('seq')
      .limit(MAX_RESUME_RESULTS)
      .execute();
    return {
      lastSeq: dev === undefined ? 0 : Number(dev.last_seq),
      results: refused.map((r) => ({
        seq: Number(r.seq),
        status: 'rejected' as const,
        ...(r.code === null ? {} : { code: r.code }),
        ...(r.reason === null ? {} : { reason: r.reason }),
      })),
    };
  });
}
