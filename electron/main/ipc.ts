// The choke point for every ipcMain handler: the sender must be the app's own top-level
// frame (app://qundesk), and the payload must parse with the channel's schema, before the
// handler runs. A refusal rejects the renderer's promise with a short reason.
import { z } from 'zod';
import { isTrustedSenderUrl } from './security';

/** The parts of IpcMainInvokeEvent the check reads. */
export interface IpcSenderLike {
  senderFrame: { url: string; parent: unknown } | null;
}

export class IpcRefusedError extends Error {
  constructor(channel: string, reason: string) {
    super(`${channel}: refused (${reason})`);
    this.name = 'IpcRefusedError';
  }
}

/** True when the message comes from the app's own main frame (not an iframe, not a web page). */
export function isTrustedSender(event: IpcSenderLike, origins?: readonly string[]): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && isTrustedSenderUrl(frame.url, origins);
}

export type GuardedHandler = (event: IpcSenderLike, payload: unknown) => Promise<unknown>;

export function guardedHandler<S extends z.ZodType>(
  channel: string,
  schema: S,
  handler: (input: z.output<S>) => unknown,
  options: { origins?: readonly string[]; log?: (message: string) => void } = {},
): GuardedHandler {
  const log = options.log ?? (() => undefined);
  return async (event, payload) => {
    if (!isTrustedSender(event, options.origins)) {
      log(
        `${channel}: refused a message from ${event.senderFrame?.url.slice(0, 200) ?? 'a gone frame'}`,
      );
      throw new IpcRefusedError(channel, 'untrusted sender');
    }
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      const reason = parsed.error.issues
        .map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`)
        .join('; ');
      log(`${channel}: refused a bad payload (${reason})`);
      throw new IpcRefusedError(channel, reason);
    }
    return handler(parsed.data);
  };
}

// Payload schemas, one per channel.
export const noPayload = z.undefined();

const extension = z.string().regex(/^(\*|[A-Za-z0-9]{1,16})$/, 'an extension such as csv');

export const chooseFilePayload = z.strictObject({
  mode: z.enum(['open', 'save']),
  title: z.string().max(200).optional(),
  // A name, not a path: the renderer does not pick folders.
  defaultName: z
    .string()
    .max(255)
    .regex(/^[^/\\:\0]*$/, 'a file name without folders')
    .optional(),
  filters: z
    .array(z.strictObject({ name: z.string().max(100), extensions: z.array(extension).max(20) }))
    .max(10)
    .optional(),
});

export const urlPayload = z.string().min(1).max(2048);
