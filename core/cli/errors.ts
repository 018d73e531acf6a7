// How a failure reaches the seller at the terminal: what went wrong and what to fix, on
// stderr, with the exit code scripts rely on (1: the operation failed, 2: bad usage).
import { AppError } from '../api/errors';
import type { CliIo } from './io';

/** The command line itself is wrong (missing store, bad JSON, option clash). Exit 2. */
export class UsageError extends Error {}

/** An import refused rows; its report is already printed. Exit 1. */
export class ImportRefused extends Error {}

export function printError(io: CliIo, err: unknown): number {
  // An import that refused rows has printed its own report.
  if (err instanceof ImportRefused) return 1;
  if (err instanceof UsageError) {
    io.err(`error: ${err.message}\n(add --help for usage)\n`);
    return 2;
  }
  if (err instanceof AppError) {
    const issues = err.details?.issues ?? [];
    if (err.code === 'VALIDATION' && issues.length > 0) {
      io.err(
        `error: ${headline(err.message, issues[0]!.path)}\nFix ${issues.length === 1 ? 'this' : 'these'} and try again:\n`,
      );
      for (const i of issues) io.err(`  - ${i.path}: ${i.message}\n`);
    } else {
      io.err(`error: ${err.message}\n`);
    }
    return err.code === 'UNKNOWN_METHOD' ? 2 : 1;
  }
  io.err(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 1;
}

/** The first clause of a validation message (its issues are listed one per line below it). */
function headline(message: string, firstPath: string): string {
  if (message.startsWith(`${firstPath}: `)) return 'The input was refused.';
  const colon = message.indexOf(': ');
  return colon > 0 ? `${message.slice(0, colon)}.` : message;
}
