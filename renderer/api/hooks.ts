// React glue for the api: load data and reload it when the store changes; map the
// contract's field issues onto an antd form.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FormInstance } from 'antd';
import { api, ApiError, type Input, type MethodName, type Output } from './client';
import { bridge } from './bridge';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  loading: boolean;
  reload: () => void;
}

/** Calls a read method; reloads when input changes or any mutation lands (debounced). */
export function useApi<K extends MethodName>(
  method: K,
  input: Input<K>,
  options: { enabled?: boolean } = {},
): Loaded<Output<K>> {
  const enabled = options.enabled ?? true;
  const key = JSON.stringify(input);
  const [state, setState] = useState<{ data?: Output<K>; error?: Error; loading: boolean }>({
    loading: enabled,
  });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    if (!enabled) return;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    api(method, JSON.parse(key) as Input<K>).then(
      (data) => live && setState({ data, loading: false }),
      (error: Error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [method, key, tick, enabled]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = bridge.onEvent((e) => {
      if (e.type !== 'changed') return;
      clearTimeout(timer);
      timer = setTimeout(reload, 150);
    });
    return () => {
      clearTimeout(timer);
      off();
    };
  }, [reload]);

  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** 'lines.0.quantity' → ['lines', 0, 'quantity'] (antd's NamePath). */
export function namePath(path: string): (string | number)[] {
  return path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/**
 * Shows a failed call's field issues on the form (fields the form has), and returns the
 * message for the rest so the page can show it. Nothing was saved: the core rolls back.
 */
export function showFieldErrors(
  form: FormInstance,
  error: unknown,
  fieldMap: Record<string, string> = {},
): string | null {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  const known = new Set(Object.keys(form.getFieldsValue(true) as Record<string, unknown>));
  const fields: { name: (string | number)[]; errors: string[] }[] = [];
  const rest: string[] = [];
  for (const issue of error.issues) {
    const path = fieldMap[issue.path] ?? issue.path;
    const name = namePath(path);
    if (known.has(String(name[0]))) fields.push({ name, errors: [issue.message] });
    else rest.push(`${issue.path}: ${issue.message}`);
  }
  form.setFields(fields);
  if (fields.length && !rest.length) return null;
  return rest.length ? rest.join('; ') : error.message;
}

/** Runs a mutation with a busy flag; the caller shows success or errors. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );
  const run = useCallback(async <T>(fn: () => Promise<T>): Promise<T> => {
    setBusy(true);
    try {
      return await fn();
    } finally {
      if (mounted.current) setBusy(false);
    }
  }, []);
  return { busy, run };
}
