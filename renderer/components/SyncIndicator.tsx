// The sync state in the status bar: local only (signed out), offline, syncing, up to date (with
// the time), error, update required, and how many changes wait to be sent. It reads sync.status
// once, then follows the host's live 'sync' events; a click opens the sync page. The tooltip
// says what is wrong in the user's language (the server's own text in brackets).
import { useCallback, useEffect, useState } from 'react';
import { Badge, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, type Output } from '../api/client';
import { bridge } from '../api/bridge';
import { navigate } from '../app/router';
import { describeSyncStatus } from './syncText';

export type SyncView = Output<'sync.status'>;
type SyncStatus = SyncView['status'];

/** sync.status, kept current by the host's 'sync' and 'changed' events. */
export function useSyncStatus(): { view: SyncView | null; reload: () => void } {
  const [view, setView] = useState<SyncView | null>(null);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);

  useEffect(() => {
    let live = true;
    api('sync.status', {}).then(
      (v) => live && setView(v),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [tick]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const later = () => {
      clearTimeout(timer);
      timer = setTimeout(reload, 200);
    };
    const off = bridge.onEvent((e) => {
      if (e.type === 'sync') {
        const s = e.sync;
        setView((v) =>
          v
            ? {
                ...v,
                status: s.status,
                pending: s.pending,
                lastSyncedAt: s.lastSyncedAt,
                message: s.message ?? null,
                // The problem code comes with the reload below; a new text is not explained yet.
                problem:
                  v.status === s.status && v.message === (s.message ?? null) ? v.problem : null,
              }
            : v,
        );
        later(); // sign in / out also changes the server, account and role
      } else if (e.type === 'changed') {
        later(); // a local change adds to the changes waiting to be sent
      }
    });
    return () => {
      clearTimeout(timer);
      off();
    };
  }, [reload]);

  // The network came back: do not wait for the next retry.
  useEffect(() => {
    const online = () => {
      if (view && view.status !== 'signed-out') void api('sync.now', {}).catch(() => undefined);
    };
    window.addEventListener('online', online);
    return () => window.removeEventListener('online', online);
  }, [view]);

  return { view, reload };
}

const BADGE: Record<SyncStatus, 'default' | 'processing' | 'success' | 'warning' | 'error'> = {
  'signed-out': 'default',
  offline: 'warning',
  syncing: 'processing',
  'up-to-date': 'success',
  error: 'error',
  'update-required': 'error',
};

export function formatSyncTime(iso: string | null, lang: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const today = new Date().toDateString() === d.toDateString();
  return d.toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', {
    ...(today ? {} : { month: '2-digit', day: '2-digit' }),
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** The words for a status (shared with the sync page). */
export function useSyncStatusText() {
  const { t, i18n } = useTranslation('sync');
  const tc = useTranslation().t;
  return (v: Pick<SyncView, 'status' | 'lastSyncedAt'>): string => {
    if (v.status === 'signed-out') return tc('localOnly');
    if (v.status === 'up-to-date' && v.lastSyncedAt)
      return t('upToDateAt', { time: formatSyncTime(v.lastSyncedAt, i18n.language) });
    return t(`status.${v.status}`);
  };
}

export function SyncIndicator() {
  const { t } = useTranslation('sync');
  const { view } = useSyncStatus();
  const text = useSyncStatusText();
  if (!view) {
    return (
      <Typography.Text type="secondary" data-testid="sync-status" data-status="loading">
        …
      </Typography.Text>
    );
  }
  const signedOut = view.status === 'signed-out';
  const label = text(view);
  const explained = describeSyncStatus(t, view);
  const tip = [
    view.workspaceName,
    view.serverUrl,
    explained
      ? explained.detail
        ? t('withDetail', { text: explained.text, detail: explained.detail })
        : explained.text
      : null,
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <Tooltip title={signedOut ? undefined : tip || undefined}>
      <Typography.Text
        type={view.status === 'error' || view.status === 'update-required' ? 'danger' : 'secondary'}
        data-testid="sync-status"
        data-status={view.status}
        data-pending={view.pending}
        role="link"
        style={{ cursor: 'pointer' }}
        onClick={() => navigate('sync')}
      >
        {signedOut ? (
          label
        ) : (
          <>
            <Badge status={BADGE[view.status]} style={{ marginRight: 4 }} />
            <span data-testid="sync-status-text">{label}</span>
            {view.pending > 0 ? (
              <span data-testid="sync-pending">
                {' · '}
                {t('pending', { count: view.pending })}
              </span>
            ) : null}
          </>
        )}
      </Typography.Text>
    </Tooltip>
  );
}
