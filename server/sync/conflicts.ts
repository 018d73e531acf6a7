// GET /v1/sync/conflicts: the profile edits (customers, groups, products) that lost to a newer
// edit of the same field, newest first, for the workspace owner only (an agent's token gets
// 403). Read-only; paged by an opaque `before` token so a long history is never one answer.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ServerDb } from '../db';
import { requireOwner } from '../auth';
import { HttpError, parseBody } from '../errors';
import { decodeHlc } from '../../core/sync/hlc';
import type { SyncConflict } from '../../core/sync/protocol';
import type { SyncDb } from './schema';

export const DEFAULT_CONFLICTS_LIMIT = 50;
export const MAX_CONFLICTS_LIMIT = 200;

const query = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_CONFLICTS_LIMIT).optional(),
  /** The `next` of the previous page. */
  before: z.string().min(1).max(400).optional(),
});

/** The position of a conflict in the newest-first order: [at, device_id, seq, field]. */
type Position = [string, string, number, string];

const position = z.tuple([
  z.string().max(64),
  z.string().max(64),
  z.number().int().nonnegative(),
  z.string().max(128),
]);

function encodePosition(p: Position): string {
  return Buffer.from(JSON.stringify(p)).toString('base64url');
}

function decodePosition(token: string): Position {
  try {
    return position.parse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
  } catch {
    throw new HttpError('VALIDATION', 'Invalid query: before: not a page token from this server', {
      issues: [{ path: 'before', message: 'not a page token from this server' }],
    });
  }
}

const wallTime = (hlc: string): string | null => {
  const h = decodeHlc(hlc);
  return h === null ? null : new Date(h.wall).toISOString();
};

const parseJson = (text: string | null): unknown => {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

/** The field's value in the row now: the edit names it as in the args (camelCase), the row as a column. */
function currentOf(data: Record<string, unknown> | null, field: string): unknown {
  if (data === null) return null;
  if (Object.hasOwn(data, field)) return data[field];
  const column = field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return Object.hasOwn(data, column) ? data[column] : null;
}

export const conflictRoutes: FastifyPluginAsync<{ db: ServerDb }> = async (app, opts) => {
  const db = opts.db.db as unknown as SyncDb;

  app.get('/conflicts', { preHandler: [app.authenticate, requireOwner] }, async (request) => {
    const q = parseBody(query, request.query, 'query');
    const limit = q.limit ?? DEFAULT_CONFLICTS_LIMIT;
    const ws = request.auth.workspaceId;
    let sel = db
      .selectFrom('sync_conflicts as c')
      .leftJoin('devices as d', (j) =>
        j.onRef('d.workspace_id', '=', 'c.workspace_id').onRef('d.id', '=', 'c.device_id'),
      )
      .leftJoin('sync_rows as r', (j) =>
        j
          .onRef('r.workspace_id', '=', 'c.workspace_id')
          .onRef('r.tbl', '=', 'c.tbl')
          .onRef('r.pk', '=', 'c.pk'),
      )
      .select([
        'c.tbl',
        'c.pk',
        'c.field',
        'c.lost_value',
        'c.lost_hlc',
        'c.kept_hlc',
        'c.at',
        'c.device_id',
        'c.seq',
        'd.name as device_name',
        'r.data',
      ])
      .where('c.workspace_id', '=', ws);
    if (q.before !== undefined) {
      const [at, deviceId, seq, field] = decodePosition(q.before);
      sel = sel.where((eb) =>
        eb(
          eb.refTuple('c.at', 'c.device_id', 'c.seq', 'c.field'),
          '<',
          eb.tuple(at, deviceId, seq, field),
        ),
      );
    }
    const rows = await sel
      .orderBy('c.at', 'desc')
      .orderBy('c.device_id', 'desc')
      .orderBy('c.seq', 'desc')
      .orderBy('c.field', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const conflicts: SyncConflict[] = page.map((r) => {
      const data = r.data === null ? null : (parseJson(r.data) as Record<string, unknown> | null);
      const label = data && typeof data.name === 'string' ? data.name : null;
      const sku = data && typeof data.sku === 'string' ? data.sku : null;
      return {
        table: r.tbl,
        rowId: r.pk,
        rowLabel: label,
        sku,
        field: r.field,
        lostValue: parseJson(r.lost_value),
        currentValue: currentOf(data, r.field),
        lostEditedAt: wallTime(r.lost_hlc),
        keptEditedAt: wallTime(r.kept_hlc),
        at: r.at,
        deviceId: r.device_id,
        deviceName: r.device_name ?? null,
        seq: Number(r.seq),
      };
    });
    const last = page[page.length - 1];
    return {
      conflicts,
      next:
        rows.length > limit && last
          ? encodePosition([last.at, last.device_id, Number(last.seq), last.field])
          : null,
    };
  });
};
