// Long work (imports, exports, demo generation): a modal with a progress bar driven by the
// host's progress events and a Cancel button that aborts the call (the host stops the work
// and rolls back). One modal for the whole app, reached through useLongTask().
//
//   const longTask = useLongTask();
//   const result = await longTask.run({
//     title: t('importing'),
//     task: ({ onProgress, signal }) => api('import.run', input, { onProgress, signal }),
//   });
//   if (result === null) return; // the user cancelled
import {
  createContext,
  useCallback,
  useContext,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { Button, Modal, Progress, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Progress as TaskProgress } from '../../core/api/context';
import { ApiError, type CallOptions } from '../api/client';

export interface LongTaskSpec<T> {
  title: ReactNode;
  /** Runs the work; pass both options on to api(). */
  task: (options: Required<CallOptions>) => Promise<T>;
  /** Hide the Cancel button (work the host cannot stop). */
  cancellable?: boolean;
}

export interface LongTaskApi {
  /** Runs the task behind the modal. Resolves to null when the user cancelled; rethrows errors. */
  run<T>(spec: LongTaskSpec<T>): Promise<T | null>;
  /** True while a task runs. */
  busy: boolean;
}

/** True for the error a call ends with when it was cancelled. */
export function isCancelled(error: unknown): boolean {
  return (
    (error instanceof ApiError && error.code === 'CANCELLED') ||
    (error instanceof Error && error.name === 'AbortError')
  );
}

/** The percentage a progress event stands for (0..100), or undefined when unknown. */
export function percentOf(p: TaskProgress | null): number | undefined {
  if (!p || !(p.total > 0)) return undefined;
  return Math.min(100, Math.floor((p.done * 100) / p.total));
}

interface ModalProps {
  open: boolean;
  title: ReactNode;
  progress: TaskProgress | null;
  cancelling: boolean;
  cancellable: boolean;
  onCancel: () => void;
}

/** The modal alone, for a page that drives its own long work. */
export function LongTaskModal({
  open,
  title,
  progress,
  cancelling,
  cancellable,
  onCancel,
}: ModalProps) {
  const { t } = useTranslation();
  const percent = percentOf(progress);
  return (
    <Modal
      open={open}
      title={title}
      closable={false}
      mask={{ closable: false }}
      keyboard={false}
      centered
      destroyOnHidden
      footer={
        cancellable ? (
          <Button onClick={onCancel} disabled={cancelling} data-testid="long-task-cancel">
            {cancelling ? t('longTask.cancelling') : t('cancel')}
          </Button>
        ) : null
      }
    >
      <div data-testid="long-task">
        <Progress
          percent={percent ?? 0}
          status={cancelling ? 'exception' : 'active'}
          data-testid="long-task-progress"
        />
        <Typography.Text type="secondary">
          {progress
            ? progress.total > 0
              ? t('longTask.step', {
                  label: progress.label,
                  done: progress.done.toLocaleString(),
                  total: progress.total.toLocaleString(),
                })
              : progress.label
            : t('longTask.starting')}
        </Typography.Text>
      </div>
    </Modal>
  );
}

const LongTaskContext = createContext<LongTaskApi | null>(null);

interface Running {
  title: ReactNode;
  cancellable: boolean;
  controller: AbortController;
}

export function LongTaskProvider({ children }: { children: ReactNode }) {
  const [running, setRunning] = useState<Running | null>(null);
  const [progress, setProgress] = useState<TaskProgress | null>(null);
  const [cancelling, setCancelling] = useState(false);
  // One task at a time: a second run waits for the first.
  const queue = useRef<Promise<unknown>>(Promise.resolve());

  const run = useCallback(<T,>(spec: LongTaskSpec<T>): Promise<T | null> => {
    const next = queue.current.then(async () => {
      const controller = new AbortController();
      setProgress(null);
      setCancelling(false);
      setRunning({
        title: spec.title,
        cancellable: spec.cancellable ?? true,
        controller,
      });
      try {
        return await spec.task({ onProgress: setProgress, signal: controller.signal });
      } catch (error) {
        if (controller.signal.aborted && isCancelled(error)) return null;
        throw error;
      } finally {
        setRunning(null);
      }
    });
    queue.current = next.catch(() => undefined);
    return next;
  }, []);

  const value = useMemo<LongTaskApi>(() => ({ run, busy: running !== null }), [run, running]);

  return (
    <LongTaskContext.Provider value={value}>
      {children}
      <LongTaskModal
        open={running !== null}
        title={running?.title}
        progress={progress}
        cancelling={cancelling}
        cancellable={running?.cancellable ?? false}
        onCancel={() => {
          setCancelling(true);
          running?.controller.abort();
        }}
      />
    </LongTaskContext.Provider>
  );
}

export function useLongTask(): LongTaskApi {
  const ctx = useContext(LongTaskContext);
  if (!ctx) throw new Error('useLongTask needs <LongTaskProvider> (renderer/main.tsx has it)');
  return ctx;
}
