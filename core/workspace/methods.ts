// Workspace: create the business, read and change its settings, check and back up the store.
import { z } from 'zod';
import { method, type AnyMethod } from '../api/define';
import { inTransaction, newId, nowIso, today } from '../api/context';
import { AppError } from '../api/errors';
import { CURRENCY_CODES } from '../money';
import { rm } from 'node:fs/promises';
import { backupStore, checkIntegrity, damageOf } from '../../db/store';
import { listBackups } from '../../db/backups';
import { checkOutputFile, openDatabaseFiles, replaceAtomically } from '../exports/output';
import { LATEST_VERSION } from '../../db/migrations';
import { readSettings, requireSettings, timeZoneInUse, writeSettings } from './settings';
import { isTimeZone } from '../shared/days';

/** An IANA time zone name the runtime knows, e.g. 'Asia/Shanghai'. */
const timeZoneInput = z
  .string()
  .trim()
  .refine(isTimeZone, 'not a time zone: use a name such as Asia/Shanghai');

export const workspaceMethods = {
  'workspace.init': method({
    summary: 'Start a new business in an empty store (name, currency).',
    mutates: true,
    input: z.object({
      name: z.string().trim().min(1).max(100).default('我的小店'),
      currency: z
        .string()
        .trim()
        .toUpperCase()
        .refine((c) => CURRENCY_CODES.includes(c), `use one of ${CURRENCY_CODES.join(', ')}`)
        .default('CNY'),
      refundWindowDays: z.number().int().min(0).max(365).default(7),
      timeZone: timeZoneInput.optional(),
    }),
    async run(ctx, input) {
      return inTransaction(ctx, async (trx) => {
        const existing = await readSettings(trx);
        if (existing) {
          throw new AppError(
            'INVALID_STATE',
            `This store already holds the business "${existing.name}".`,
          );
        }
        await writeSettings(trx, {
          id: newId(ctx),
          name: input.name,
          currency: input.currency,
          refundWindowDays: input.refundWindowDays,
          timeZone: input.timeZone ?? null,
          createdAt: nowIso(ctx),
        });
        return requireSettings(trx);
      });
    },
  }),

  'workspace.get': method({
    summary:
      'The business settings (null when the store is still empty), and who this device acts as.',
    mutates: false,
    roles: ['owner', 'agent'],
    input: z.object({}),
    async run(ctx) {
      const settings = await readSettings(ctx.db);
      // Who this device acts as: an agent device shows the pages an agent can use.
      const actor = { role: ctx.actor.role, agentId: ctx.actor.agentId ?? null };
      // Where days are counted now, and which day it is there (the screens' "today").
      const timeZone = timeZoneInUse(ctx.sqlite);
      return { settings, schemaVersion: LATEST_VERSION, actor, timeZone, today: today(ctx) };
    },
  }),

  'workspace.update': method({
    summary:
      "Change the business name, refund window, time zone (null: the machine's) or date window; the currency is fixed once money is recorded.",
    mutates: true,
    input: z.object({
      name: z.string().trim().min(1).max(100).optional(),
      refundWindowDays: z.number().int().min(0).max(365).optional(),
      /** Business days are accepted from this many years before today (default 10) ... */
      dateYearsBack: z.number().int().min(1).max(100).optional(),
      /** ... to this many years after it (default 1). */
      dateYearsAhead: z.number().int().min(1).max(10).optional(),
      timeZone: timeZoneInput.nullable().optional(),
    }),
    async run(ctx, input) {
      return inTransaction(ctx, async (trx) => {
        await requireSettings(trx);
        await writeSettings(trx, input);
        return requireSettings(trx);
      });
    },
  }),

  'store.integrity': method({
    summary:
      'Run SQLite integrity and foreign-key checks on the store: {ok, problems} (a damaged file reports ok: false).',
    mutates: false,
    input: z.object({}),
    async run(ctx) {
      return checkIntegrity(ctx.sqlite);
    },
  }),

  'store.backup': method({
    summary: 'Write a consistent copy of the store to a file (VACUUM INTO).',
    mutates: false,
    input: z.object({ to: z.string().trim().min(1) }),
    async run(ctx, input) {
      // Never onto the open store or its -wal/-shm files; an older backup may be replaced, by
      // a rename once the new copy is complete (its stale -wal/-shm removed first, so they
      // are never replayed into the new copy).
      const target = await checkOutputFile(input.to, {
        store: openDatabaseFiles(ctx.sqlite),
        field: 'to',
        mayReplaceDatabase: true,
      });
      await replaceAtomically(target, async (temporary) => {
        backupStore(ctx.sqlite, temporary);
        for (const suffix of ['-wal', '-shm', '-journal']) {
          await rm(`${target}${suffix}`, { force: true });
        }
      });
      return { file: input.to };
    },
  }),

  'store.backups': method({
    summary:
      'Whether the store opened damaged (read-only), and its backups (daily copies, before migrations and restores), newest first.',
    mutates: false,
    roles: ['owner', 'agent'],
    input: z.object({}),
    async run(ctx) {
      const problems = damageOf(ctx.sqlite);
      const backups = ctx.sqlite.name === ':memory:' ? [] : listBackups(ctx.sqlite.name);
      return {
        damaged: problems !== null,
        problems: problems ?? [],
        folder: `${ctx.sqlite.name}-backups`,
        backups: backups.map(({ name, kind, bytes, writtenAt }) => ({
          name,
          kind,
          bytes,
          writtenAt,
        })),
      };
    },
  }),

  'store.restoreBackup': method({
    summary:
      'Put a backup (a name from store.backups) in place of the store: checked first, the current store kept as before-restore-….sqlite. The app only (it closes and reopens the store).',
    mutates: false,
    input: z.object({ name: z.string().trim().min(1).max(255) }),
    // The core host runs this itself (it owns the store and must close it); here there is none.
    async run() {
      throw new AppError(
        'INVALID_STATE',
        'A backup is restored by the app, which closes the store to do it: open QunDesk and use the ' +
          'banner (or Settings). Close every other QunDesk using this store first.',
      );
    },
  }),
} satisfies Record<string, AnyMethod>;
