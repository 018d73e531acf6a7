// The typed api: api(method, input) is typed from the core's contract, so a renamed method
// or field fails to compile here. Errors come back as ApiError with field issues.
import type { MethodName, Methods } from '../../core/api/contract';
import type { MethodInput, MethodOutput } from '../../core/api/define';
import type { ErrorBody, FieldIssue } from '../../core/api/errors';
import type { Progress } from '../../core/api/context';
import i18n from 'i18next';
import { bridge } from './bridge';

export type { MethodName, Methods };
export type Input<K extends MethodName> = MethodInput<Methods[K]>;
export type Output<K extends MethodName> = MethodOutput<Methods[K]>;

/** Reasons whose words the renderer has itself (zh/en), shown instead of the core's English. */
const LOCALIZED_REASONS = new Set(['store-busy', 'store-damaged', 'backup-refused']);

function localized(body: ErrorBody): string {
  const reason = body.details?.reason;
  const key = `common:errorReasons.${String(reason)}`;
  if (typeof reason === 'string' && LOCALIZED_REASONS.has(reason) && i18n.exists(key))
    return i18n.t(key, body.details);
  return body.message;
}

export class ApiError extends Error {
  readonly code: string;
  readonly details: unknown;
  constructor(body: ErrorBody) {
    super(localized(body));
    this.code = body.code;
    this.details = body.details;
  }
  /** Field issues from the contract's validation (path like 'lines.0.quantity'). */
  get issues(): FieldIssue[] {
    const d = this.details as { issues?: FieldIssue[] } | undefined;
    return Array.isArray(d?.issues) ? d.issues : [];
  }
}

let counter = 0;
const nextId = () => `${Date.now().toString(36)}-${(counter++).toString(36)}`;

export interface CallOptions {
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

export async function api<K extends MethodName>(
  method: K,
  input: Input<K>,
  options: CallOptions = {},
): Promise<Output<K>> {
  const id = nextId();
  const off = options.onProgress
    ? bridge.onEvent((e) => {
        if (e.type === 'progress' && e.id === id) options.onProgress!(e.progress);
      })
    : undefined;
  const onAbort = () => bridge.cancel(id);
  options.signal?.addEventListener('abort', onAbort);
  try {
    const { result } = await bridge.call({ id, method, input });
    if (!result.ok) throw new ApiError(result.error);
    return result.value as Output<K>;
  } finally {
    off?.();
    options.signal?.removeEventListener('abort', onAbort);
  }
}
