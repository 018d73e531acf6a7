// HTTP errors of the cloud server, carried as the core's ErrorBody shape {code, message, details?}.
// The codes extend the core's with the transport-level ones (auth, limits).
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { ZodError, type ZodType } from 'zod';
import { AppError, type ErrorCode, type FieldIssue } from '../core/api/errors';

export type ServerErrorCode =
  | ErrorCode
  | 'UNAUTHORIZED' // no, bad, expired or revoked credentials
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UPDATE_REQUIRED'; // the client's schema version is outside the server's supported range

export interface ServerErrorBody {
  code: ServerErrorCode;
  message: string;
  details?: Record<string, unknown> & { issues?: FieldIssue[] };
}

const statusOf: Record<ServerErrorCode, number> = {
  VALIDATION: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_STATE: 409,
  FORBIDDEN: 403,
  UNKNOWN_METHOD: 404,
  CANCELLED: 409,
  STORE_BUSY: 503, // device stores only; never raised by the server
  STORE_DAMAGED: 500,
  INTERNAL: 500,
  UNAUTHORIZED: 401,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UPDATE_REQUIRED: 426,
};

export class HttpError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ServerErrorCode,
    message: string,
    readonly details?: ServerErrorBody['details'],
    statusCode?: number,
  ) {
    super(message);
    this.name = 'HttpError';
    this.statusCode = statusCode ?? statusOf[code];
  }

  toBody(): ServerErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export const unauthorized = (message: string): HttpError => new HttpError('UNAUTHORIZED', message);
export const forbidden = (message: string): HttpError => new HttpError('FORBIDDEN', message);

export function zodIssues(err: ZodError): FieldIssue[] {
  return err.issues.map((i) => ({
    path: i.path.length === 0 ? '(body)' : i.path.map(String).join('.'),
    message: i.message,
  }));
}

/** Parses a request part with zod, or throws 400 VALIDATION naming each bad field. */
export function parseBody<T>(schema: ZodType<T>, value: unknown, what = 'request body'): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = zodIssues(result.error);
  const first = issues[0];
  throw new HttpError(
    'VALIDATION',
    first === undefined ? `Invalid ${what}` : `Invalid ${what}: ${first.path}: ${first.message}`,
    { issues },
  );
}

/** The body and status for anything thrown by a route, a hook or Fastify itself. */
export function errorResponse(err: unknown): { status: number; body: ServerErrorBody } {
  if (err instanceof HttpError) return { status: err.statusCode, body: err.toBody() };
  if (err instanceof AppError) return { status: statusOf[err.code], body: err.toBody() };
  if (err instanceof ZodError) {
    return {
      status: 400,
      body: { code: 'VALIDATION', message: 'Invalid request', details: { issues: zodIssues(err) } },
    };
  }
  const fe = err as Partial<FastifyError> | null;
  const status = typeof fe?.statusCode === 'number' ? fe.statusCode : 500;
  if (status === 413) {
    return {
      status,
      body: {
        code: 'PAYLOAD_TOO_LARGE',
        message: 'Request body is larger than this route accepts',
      },
    };
  }
  if (status === 415) {
    return {
      status,
      body: { code: 'UNSUPPORTED_MEDIA_TYPE', message: fe?.message ?? 'Unsupported media type' },
    };
  }
  if (status === 429) {
    return { status, body: { code: 'RATE_LIMITED', message: fe?.message ?? 'Too many requests' } };
  }
  if (status === 401) {
    return { status, body: { code: 'UNAUTHORIZED', message: fe?.message ?? 'Unauthorized' } };
  }
  if (status === 403) {
    return { status, body: { code: 'FORBIDDEN', message: fe?.message ?? 'Forbidden' } };
  }
  if (status === 404) {
    return { status, body: { code: 'NOT_FOUND', message: fe?.message ?? 'Not found' } };
  }
  if (status >= 400 && status < 500) {
    // Malformed JSON, empty JSON body, bad headers: the client's fault, nothing ran.
    return { status, body: { code: 'VALIDATION', message: fe?.message ?? 'Bad request' } };
  }
  return { status: 500, body: { code: 'INTERNAL', message: 'Internal server error' } };
}

export function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  const { status, body } = errorResponse(err);
  return reply.code(status).send(body);
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const { status, body } = errorResponse(err);
    if (status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ code: body.code, status }, body.message);
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      code: 'NOT_FOUND',
      message: `No route ${request.method} ${request.url.split('?')[0]}`,
    } satisfies ServerErrorBody),
  );
}
