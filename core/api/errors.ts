// Typed errors every transport carries as {code, message, details}.
export type ErrorCode =
  | 'VALIDATION' // input does not match the method's schema (details.issues names each field)
  | 'NOT_FOUND' // a referenced row does not exist (details names it)
  | 'CONFLICT' // a unique key is taken (sku, order number, external ref)
  | 'INVALID_STATE' // the operation is not allowed in the row's current state
  | 'FORBIDDEN' // the caller's role may not do this
  | 'UNKNOWN_METHOD'
  | 'CANCELLED'
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
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorBody['details'],
  ) {
    super(message);
    this.name = 'AppError';
  }

  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export const notFound = (what: string, id: string): AppError =>
  new AppError('NOT_FOUND', `${what} ${id} does not exist`, { what, id });

export const invalidState = (message: string, details?: ErrorBody['details']): AppError =>
  new AppError('INVALID_STATE', message, details);

/** A field-level error raised by a service after parsing (e.g. "lines.2.productId"). */
export const fieldError = (path: string, message: string): AppError =>
  new AppError('VALIDATION', `${path}: ${message}`, { issues: [{ path, message }] });
