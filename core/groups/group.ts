// A customer group: the community a seller sells into (a WeChat or QQ group, a Xiaohongshu or
// Douyin following, an offline community).
import { z } from 'zod';
import type { Kysely, Selectable } from 'kysely';
import type { CustomerGroupsTable, Database, Platform } from '../../db/schema';
import { newId, nowIso, type Ctx, type Tx } from '../api/context';
import { AppError, invalidState, notFound } from '../api/errors';
import { id, optionalText, requiredText } from '../shared/schemas';
import { requireAgentRef } from '../agents/references';

export const PLATFORMS = [
  'wechat',
  'qq',
  'xiaohongshu',
  'douyin',
  'offline',
  'other',
] as const satisfies readonly Platform[];

export const platform = z.enum(PLATFORMS, { error: `use one of ${PLATFORMS.join(', ')}` });

const editable = {
  platform,
  name: requiredText(100),
  ownerAgentId: optionalText(64),
  notes: optionalText(2000),
  externalRef: optionalText(100),
};

export const groupInput = z.object(editable);
export type GroupInput = z.output<typeof groupInput>;

export const groupUpdateInput = z.object({
  id,
  platform: editable.platform.optional(),
  name: editable.name.optional(),
  ownerAgentId: editable.ownerAgentId.optional(),
  notes: editable.notes.optional(),
  externalRef: editable.externalRef.optional(),
});
export type GroupUpdate = z.output<typeof groupUpdateInput>;

export interface Group {
  id: string;
  platform: Platform;
  name: string;
  ownerAgentId: string | null;
  notes: string | null;
  externalRef: string | null;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export type GroupRow = Selectable<CustomerGroupsTable>;

export const toGroup = (row: GroupRow): Group => ({
  id: row.id,
  platform: row.platform,
  name: row.name,
  ownerAgentId: row.owner_agent_id,
  notes: row.notes,
  externalRef: row.external_ref,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  deletedAt: row.deleted_at,
});

type Db = Kysely<Database>;

/** The group, deleted ones included (old orders and campaigns still point at them). */
export async function requireGroup(db: Db, groupId: string, path?: string): Promise<GroupRow> {
  const row = await db
    .selectFrom('customer_groups')
    .selectAll()
    .where('id', '=', groupId)
    .executeTakeFirst();
  if (!row) throw notFound('group', groupId, path);
  return row;
}

/** The group, refusing a deleted one: `doing` says what was tried. */
export async function requireLiveGroup(
  db: Db,
  groupId: string,
  doing: string,
  path?: string,
): Promise<GroupRow> {
  const row = await requireGroup(db, groupId, path);
  if (row.deleted_at !== null) {
    throw invalidState(`Group "${row.name}" was deleted, so you cannot ${doing}.`, {
      id: groupId,
      state: 'deleted',
      ...(path !== undefined && { path }),
    });
  }
  return row;
}

async function assertExternalRefFree(
  db: Db,
  externalRef: string | null,
  exceptId?: string,
): Promise<void> {
  if (externalRef === null) return;
  const taken = await db
    .selectFrom('customer_groups')
    .select(['id', 'name'])
    .where('external_ref', '=', externalRef)
    .$if(exceptId !== undefined, (q) => q.where('id', '<>', exceptId as string))
    .executeTakeFirst();
  if (taken) {
    const message = `External ref "${externalRef}" already belongs to group "${taken.name}" (${taken.id}). Use another ref or update that group.`;
    throw new AppError('CONFLICT', message, {
      field: 'externalRef',
      value: externalRef,
      existingId: taken.id,
      issues: [{ path: 'externalRef', message }],
    });
  }
}

/** Creates a group inside the caller's transaction (also the path for imports). */
export async function createGroupTx(
  trx: Tx,
  ctx: Pick<Ctx, 'clock' | 'ids'>,
  input: GroupInput,
): Promise<Group> {
  await assertExternalRefFree(trx, input.externalRef);
  if (input.ownerAgentId) await requireAgentRef(trx, input.ownerAgentId, 'ownerAgentId');
  const now = nowIso(ctx);
  const row: GroupRow = {
    id: newId(ctx),
    platform: input.platform,
    name: input.name,
    owner_agent_id: input.ownerAgentId,
    notes: input.notes,
    external_ref: input.externalRef,
    created_at: now,
    updated_at: now,
    deleted_at: null,
  };
  await trx.insertInto('customer_groups').values(row).execute();
  return toGroup(row);
}

export async function updateGroupTx(
  trx: Tx,
  ctx: Pick<Ctx, 'clock' | 'ids'>,
  input: GroupUpdate,
): Promise<Group> {
  await requireLiveGroup(trx, input.id, 'edit it');
  if (input.externalRef !== undefined)
    await assertExternalRefFree(trx, input.externalRef, input.id);
  if (input.ownerAgentId) await requireAgentRef(trx, input.ownerAgentId, 'ownerAgentId');
  await trx
    .updateTable('customer_groups')
    .set({
      ...(input.platform !== undefined && { platform: input.platform }),
      ...(input.name !== undefined && { name: input.name }),
      ...(input.ownerAgentId !== undefined && { owner_agent_id: input.ownerAgentId }),
      ...(input.notes !== undefined && { notes: input.notes }),
      ...(input.externalRef !== undefined && { external_ref: input.externalRef }),
      updated_at: nowIso(ctx),
    })
    .where('id', '=', input.id)
    .execute();
  return toGroup(await requireGroup(trx, input.id));
}

/** Soft delete: the group leaves lists; memberships stay as they were, for history. */
export async function deleteGroupTx(
  trx: Tx,
  ctx: Pick<Ctx, 'clock' | 'ids'>,
  groupId: string,
): Promise<Group> {
  const row = await requireGroup(trx, groupId);
  if (row.deleted_at !== null) {
    throw invalidState(
      `Group "${row.name}" is already deleted (since ${row.deleted_at.slice(0, 10)}).`,
      {
        id: groupId,
        state: 'deleted',
      },
    );
  }
  const now = nowIso(ctx);
  await trx
    .updateTable('customer_groups')
    .set({ deleted_at: now, updated_at: now })
    .where('id', '=', groupId)
    .execute();
  return toGroup(await requireGroup(trx, groupId));
}
