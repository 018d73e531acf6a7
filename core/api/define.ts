// A method of the API contract: its name, zod input schema, who may call it, and the service.
import type { z } from 'zod';
import type { Ctx, Role } from './context';

export interface MethodDef<I extends z.ZodType, O> {
  /** One line for `qundesk call --help` and the docs. */
  summary: string;
  input: I;
  /** Writes to the store (later: recorded as a named mutation in the sync outbox). */
  mutates: boolean;
  /** Roles allowed; default owner only. */
  roles?: readonly Role[];
  run(ctx: Ctx, input: z.output<I>): Promise<O>;
  /**
   * Runs instead of run() where the call is made (the dispatcher), never when a recorded
   * mutation is replayed (on the server, or rebased on the device: those call run()).
   * `record` runs another call, and records it when it is synced. import.run uses it on a
   * signed-in device to record import.rows, which carries the rows it read from the file.
   */
  atOrigin?(ctx: Ctx, input: z.output<I>, record: RecordCall): Promise<O>;
}

export type RecordCall = (method: string, input: unknown) => Promise<unknown>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyMethod = MethodDef<z.ZodType, any>;

export function method<I extends z.ZodType, O>(def: MethodDef<I, O>): MethodDef<I, O> {
  return def;
}

export type MethodInput<M> = M extends MethodDef<infer I, unknown> ? z.input<I> : never;
export type MethodOutput<M> = M extends MethodDef<z.ZodType, infer O> ? Awaited<O> : never;
