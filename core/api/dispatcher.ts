// The one door into the core: validates every input, checks the caller's role, runs the
// service (one at a time: the store has one writer), and returns a value or a typed error.
// Transports (in-process, HTTP, MessagePort) carry {id, method, input} and nothing else.
import { ZodError } from 'zod';
import type { Kysely } from 'kysely';
import { damageOf, isCorruptError, type Store } from '../../db/store';
import type { Database } from '../../db/schema';
import {
  AppError,
  isStoreBusy,
  storeBusy,
  storeDamaged,
  type ErrorBody,
  type FieldIssue,
} from './errors';
import { MAX_JSON_DEPTH, valueDepth } from '../shared/json-depth';
import { businessClock } from '../workspace/settings';
import { systemClock, type Actor, type Clock, type Ctx, type Progress } from './context';
import { methods, type MethodName, type Methods } from './contract';
import type { AnyMethod, MethodInput, MethodOutput } from './define';

export type CallResult<T = unknown> = { ok: true; value: T } | { ok: false; error: ErrorBody };

export interface CallOptions {
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

export interface Core {
  /** Untrusted entry point: method name and input come from outside. */
  call(method: string, input: unknown, options?: CallOptions): Promise<CallResult>;
  /** Typed entry point for in-process callers; throws AppError on failure. */
  invoke<K extends MethodName>(
    method: K,
    input: MethodInput<Methods[K]>,
    options?: CallOptions,
  ): Promise<MethodOutput<Methods[K]>>;
  readonly store: Store;
  /** Resolves once every call queued so far has finished (before the store is closed). */
  idle(): Promise<void>;
}

/**
 * Records mutating calls for sync: runs the method inside its own transaction together with
 * the outbox row (core/sync/outbox.ts). Cores without one behave as before.
 */
export interface MutationRecorder {
  records(method: string): boolean;
  run<T>(
    method: string,
    input: unknown,
    exec: (db: Kysely<Database>, clock: Clock, ids: () => string) => Promise<T>,
  ): Promise<T>;
}

export interface CoreOptions {
  store: Store;
  clock?: Clock;
  /** Who calls; a function when it can change while the core runs (a device that signs in as an agent). */
  actor?: Actor | (() => Actor);
  recorder?: MutationRecorder;
}

/** Finds the method, checks the caller's role and parses the input (throws AppError). */
export function prepareCall(
  method: string,
  input: unknown,
  actor: Actor,
): { def: AnyMethod; input: unknown } {
  const def = Object.hasOwn(methods, method)
    ? (methods[method as MethodName] as AnyMethod)
    : undefined;
  if (!def) throw new AppError('UNKNOWN_METHOD', `No method named ${method}`, { method });
  const roles = def.roles ?? ['owner'];
  if (!roles.includes(actor.role)) {
    throw new AppError('FORBIDDEN', `${method} is not allowed for role ${actor.role}`);
  }
  // Checked without recursion first: an input nested thousands deep would otherwise run a
  // later JSON.stringify (the outbox) out of stack.
  if (valueDepth(input, MAX_JSON_DEPTH) > MAX_JSON_DEPTH)
    throw new AppError(
      'VALIDATION',
      `Invalid input for ${method}: it nests more than ${MAX_JSON_DEPTH} levels deep (objects and arrays inside one another).`,
      { reason: 'too-deep', maxDepth: MAX_JSON_DEPTH },
    );
  const parsed = def.input.safeParse(input ?? {});
  if (!parsed.success) {
    const issues = zodIssues(parsed.error);
    throw new AppError(
      'VALIDATION',
      `Invalid input for ${method}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      { issues },
    );
  }
  return { def, input: parsed.data };
}

export function zodIssues(err: ZodError): FieldIssue[] {
  return err.issues.map((i) => ({
    path: i.path.map(String).join('.') || '(input)',
    message: i.message,
  }));
}

export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof AppError) return err.toBody();
  if (err instanceof ZodError) {
    const issues = zodIssues(err);
    return {
      code: 'VALIDATION',
      message: issues.map((i) => `${i.path}: ${i.message}`).join('; '),
      details: { issues },
    };
  }
  if (isStoreBusy(err)) return storeBusy().toBody();
  if (isCorruptError(err)) return storeDamaged([(err as Error).message]).toBody();
  const e = err as { code?: unknown; message?: unknown };
  if (typeof e?.code === 'string' && e.code.startsWith('SQLITE_CONSTRAINT')) {
    // The services check what they can; a constraint that still fires is reported, not hidden.
    return { code: 'CONFLICT', message: `The store refused the change: ${String(e.message)}` };
  }
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

export function createCore(options: CoreOptions): Core {
  const { store } = options;
  // Days count in the business's time zone (a setting), unless the clock names its own.
  const clock = businessClock(store.sqlite, options.clock ?? systemClock);
  const actorOption = options.actor ?? { role: 'owner' };
  const actorNow = (): Actor => (typeof actorOption === 'function' ? actorOption() : actorOption);
  let queue: Promise<unknown> = Promise.resolve();

  async function run(
    method: string,
    input: unknown,
    callOptions: CallOptions = {},
    origin = true,
  ): Promise<unknown> {
    const actor = actorNow();
    const { def, input: parsed } = prepareCall(method, input, actor);
    const damaged = damageOf(store.sqlite);
    if (damaged && def.mutates) throw storeDamaged(damaged);
    const ctx: Ctx = {
      db: store.db,
      sqlite: store.sqlite,
      clock,
      actor,
      progress: callOptions.onProgress ?? (() => {}),
      ...(callOptions.signal ? { signal: callOptions.signal } : {}),
    };
    if (origin && def.atOrigin)
      return def.atOrigin(ctx, parsed, (m, i) => run(m, i, callOptions, false));
    const recorder = options.recorder;
    if (def.mutates && recorder?.records(method)) {
      return recorder.run(method, input ?? {}, (db, at, ids) =>
        def.run({ ...ctx, db, clock: at, ids }, parsed),
      );
    }
    return def.run(ctx, parsed);
  }

  /** A write that slipped past the mutates flag (an export's access log) on a damaged store. */
  const damagedWrite = (err: unknown): unknown => {
    const damaged = damageOf(store.sqlite);
    const code = (err as { code?: unknown } | null)?.code;
    return damaged && typeof code === 'string' && code.startsWith('SQLITE_READONLY')
      ? storeDamaged(damaged)
      : err;
  };

  function serialized<T>(fn: () => Promise<T>): Promise<T> {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  }

  return {
    store,
    idle: () => serialized(async () => undefined),
    call(method, input, callOptions) {
      return serialized(async () => {
        try {
          return { ok: true as const, value: await run(method, input, callOptions) };
        } catch (err) {
          return { ok: false as const, error: toErrorBody(damagedWrite(err)) };
        }
      });
    },
    invoke(method, input, callOptions) {
      return serialized(async () => {
        try {
          return (await run(method, input, callOptions)) as never;
        } catch (err) {
          if (err instanceof AppError) throw err;
          const body = toErrorBody(damagedWrite(err));
          throw new AppError(body.code, body.message, body.details);
        }
      });
    },
  };
}
