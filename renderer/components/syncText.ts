// Sync failures in the user's language: the core sends a stable problem code (details.syncProblem
// on a failed sync call, `problem` on the status) and the server's own English text; the screen
// words the code in zh/en and keeps the server's text as a secondary detail. Pure (no bridge),
// so it is tested in Node with a real i18next instance.
import type { TFunction } from 'i18next';
import type { SyncProblem } from '../../core/sync/methods';

export type { SyncProblem };

/** What to show for a failure: the localized text, and the original text as a detail. */
export interface SyncText {
  text: string;
  /** The server's (or client's) own words; null when there is nothing more to say. */
  detail: string | null;
}

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  details?: unknown;
}

/** The problem code a failed api call carries, if it was a sync failure. */
export function problemOfError(e: unknown): SyncProblem | null {
  const details = (e as ErrorLike | null)?.details as { syncProblem?: unknown } | undefined;
  return typeof details?.syncProblem === 'string' ? (details.syncProblem as SyncProblem) : null;
}

/** The words for a problem code (an unknown code falls back to "sync failed"). */
export function problemText(t: TFunction, problem: string): string {
  return t(`problem.${problem}`, {
    ns: 'sync',
    defaultValue: t('problem.unknown', { ns: 'sync' }),
  });
}

/** A failed sync call (sign in, join, sign out, devices, invite, conflicts…). */
export function describeSyncError(t: TFunction, e: unknown): SyncText {
  const message =
    e instanceof Error
      ? e.message
      : typeof e === 'string'
        ? e
        : String((e as ErrorLike)?.message ?? e);
  const problem = problemOfError(e);
  if (problem !== null) {
    const text = problemText(t, problem);
    return { text, detail: message && message !== text ? message : null };
  }
  return { text: t('failed', { ns: 'sync' }), detail: message || null };
}

/** One line: "localized (server text)". */
export function syncErrorLine(t: TFunction, e: unknown): string {
  const { text, detail } = describeSyncError(t, e);
  return detail ? t('withDetail', { ns: 'sync', text, detail }) : text;
}

/** What a status needs explained: the problem in words, the server's text as the detail. */
export function describeSyncStatus(
  t: TFunction,
  view: { status: string; problem?: string | null; message?: string | null },
): SyncText | null {
  const message = view.message ?? null;
  if (view.status === 'up-to-date' || view.status === 'signed-out' || view.status === 'syncing')
    return null;
  if (view.problem) {
    const text = problemText(t, view.problem);
    return { text, detail: message && message !== text ? message : null };
  }
  return message ? { text: t(`status.${view.status}`, { ns: 'sync' }), detail: message } : null;
}

/** The code of a change the server refused, in words (the raw code stays available as a title). */
export function logCodeText(t: TFunction, code: string): string {
  return t(`logCodes.${code}`, { ns: 'sync', defaultValue: code });
}
