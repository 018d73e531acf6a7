// The store failed its check on opening and is open read-only: say so at the top of every
// page and offer to restore a backup (the newest daily copy first). The core checks the backup
// before it swaps it in and keeps the damaged file in the backups folder.
import { useState } from 'react';
import { Alert, App as AntApp, Button, Popconfirm, Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApi } from '../api/hooks';
import { api } from '../api/client';

export function StoreDamagedBanner() {
  const { t, i18n } = useTranslation();
  const { message } = AntApp.useApp();
  const status = useApi('store.backups', {});
  const [picked, setPicked] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const data = status.data;
  if (!data?.damaged) return null;

  // Never offer the damaged file itself first: the newest daily copy, else any other.
  const backups = data.backups;
  const preferred =
    backups.find((b) => b.kind === 'daily') ?? backups.find((b) => b.kind !== 'before-restore');
  const name = picked ?? preferred?.name ?? backups[0]?.name;
  const when = (iso: string) => new Date(iso).toLocaleString(i18n.language);

  const restore = async () => {
    if (!name) return;
    setBusy(true);
    try {
      await api('store.restoreBackup', { name });
      void message.success(t('storeDamaged.restored', { name }));
      status.reload();
    } catch (e) {
      void message.error(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Alert
      type="error"
      showIcon
      banner
      data-testid="store-damaged"
      className="no-print"
      title={t('storeDamaged.title')}
      description={
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Text>{t('storeDamaged.body')}</Typography.Text>
          {backups.length === 0 ? (
            <Typography.Text type="secondary">
              {t('storeDamaged.none', { folder: data.folder })}
            </Typography.Text>
          ) : (
            <Space wrap>
              <Select
                aria-label={t('storeDamaged.pick')}
                style={{ minWidth: 360 }}
                value={name}
                onChange={setPicked}
                options={backups.map((b) => ({
                  value: b.name,
                  label: `${t(`storeDamaged.kind.${b.kind}`)} · ${when(b.writtenAt)} · ${b.name}`,
                }))}
              />
              <Popconfirm
                title={t('storeDamaged.confirm', { name })}
                onConfirm={() => void restore()}
                okText={t('confirm')}
                cancelText={t('cancel')}
              >
                <Button type="primary" danger loading={busy} data-testid="restore-backup">
                  {t('storeDamaged.restore')}
                </Button>
              </Popconfirm>
            </Space>
          )}
        </Space>
      }
    />
  );
}
