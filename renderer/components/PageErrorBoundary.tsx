// A page that fails to load (its lazy chunk did not arrive: an update replaced the files, a
// broken disk) or throws while rendering shows a message in the user's language with a reload
// button, instead of a blank window. The menu and status bar stay usable; going to another
// page clears it (resetKey).
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Button, Result, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** Whether a page failed because its code could not be loaded (reloading is the cure). */
export function isChunkLoadError(error: unknown): boolean {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return /dynamically imported module|importing a module script failed|ChunkLoadError|loading (css )?chunk .* failed|unable to preload css/i.test(
    text,
  );
}

export function PageErrorFallback({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  const { t } = useTranslation();
  const chunk = isChunkLoadError(error);
  return (
    <Result
      status="error"
      title={t(chunk ? 'pageError.chunkTitle' : 'pageError.title')}
      subTitle={t(chunk ? 'pageError.chunkHint' : 'pageError.hint')}
      data-testid="page-error"
      data-kind={chunk ? 'chunk' : 'render'}
      extra={[
        <Button
          key="reload"
          type="primary"
          onClick={() => window.location.reload()}
          data-testid="page-error-reload"
        >
          {t('pageError.reload')}
        </Button>,
        // A lazy page keeps its failed import: only a reload fetches it again.
        !chunk && onRetry ? (
          <Button key="retry" onClick={onRetry} data-testid="page-error-retry">
            {t('retry')}
          </Button>
        ) : null,
      ]}
    >
      <Typography.Text type="secondary" data-testid="page-error-detail">
        {error.message}
      </Typography.Text>
    </Result>
  );
}

interface Props {
  children: ReactNode;
  /** A new key (another page or route) clears a caught error. */
  resetKey?: string;
}

export class PageErrorBoundary extends Component<Props, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: unknown): { error: Error } {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('page failed', error, info.componentStack);
  }

  override componentDidUpdate(prev: Props): void {
    if (prev.resetKey !== this.props.resetKey && this.state.error !== null)
      this.setState({ error: null });
  }

  override render(): ReactNode {
    if (this.state.error !== null)
      return (
        <PageErrorFallback
          error={this.state.error}
          onRetry={() => this.setState({ error: null })}
        />
      );
    return this.props.children;
  }
}
