// Typed errors every transport carries as {code, message, details}.
export type ErrorCode =
  | 'VALIDATION' // input does not match the method's schema (details.issues names each field)
  | 'NOT_FOUND' // a referenced row does not exist (details names it)
  | 'CONFLICT' // a unique key is taken (sku, order number, external ref)
  | 'INVALID_STATE' // the operation is not allowed in the row's current state
  | 'FORBIDDEN' // the caller's role may not do this
  | 'UNKNOWN_METHOD'
  | 'CANCELLED'
  | 'STORE_BUSY' // another QunDesk process held the store's write lock past the busy timeout
  | 'STORE_DAMAGED' // the store failed its check on open: read-only until a backup is restored
  | 'INTERNAL';

export interface FieldIssue {
  path: string;
  message: string;
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown> & { issues?: FieldIssue[] };
}

export class AppError extends Error {
  readonly details?: ErrorBody['details'];

  constructor(
    readonly code: ErrorCode,
    message: string,
    details?: ErrorBody['details'],
  ) {
    super(message);
    this.name = 'AppError';
    this.details = details;
    // An error about one input field (details.path or details.field) names it the way
    // validation errors do, so every transport and the forms can point at the field.
    const field = details?.path ?? details?.field;
    if (details !== undefined && details.issues === undefined && typeof field === 'string') {
      this.details = { ...details, issues: [{ path: field, message }] };
    }
  }

  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** `path`: the input field that named the row (then details.issues names it too). */
export const notFound = (what: string, id: string, path?: string): AppError =>
  path === undefined
    ? new AppError('NOT_FOUND', `${what} ${id} does not exist`, { what, id })
    : new AppError('NOT_FOUND', `${path}: ${what} ${id} does not exist`, { what, id, path });

export const invalidState = (message: string, details?: ErrorBody['details']): AppError =>
  new AppError('INVALID_STATE', message, details);

/** A field-level error raised by a service after parsing (e.g. "lines.2.productId"). */
export const fieldError = (path: string, message: string): AppError =>
  new AppError('VALIDATION', `${path}: ${message}`, { issues: [{ path, message }] });

/** SQLite could not get the store's lock: another process (the app, the CLI) is writing. */
export function isStoreBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

export const storeBusy = (): AppError =>
  new AppError(
    'STORE_BUSY',
    'Another QunDesk (the app or the command line) is using this store and did not finish in time. ' +
      'Nothing was written: try again when it has finished.',
    { reason: 'store-busy' },
  );

export const storeDamaged = (problems: string[] = []): AppError =>
  new AppError(
    'STORE_DAMAGED',
    'The store file is damaged, so it was opened read-only and nothing can be changed. ' +
      'Restore the last good backup: the app offers it in a banner (`qundesk --store FILE call store.backups` lists them).',
    { reason: 'store-damaged', problems: problems.slice(0, 20) },
  );
