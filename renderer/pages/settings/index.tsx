// Settings: the business (name, refund window; the currency is fixed), language, where the
// data lives, backups (restore is the desktop app's File menu), and updates (desktop only).
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Tooltip,
  Typography,
} from 'antd';
import { LockOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { showFieldErrors, useAction, useApi } from '../../api/hooks';
import { bridge, isBrowserMode, type BrowserAppInfo } from '../../api/bridge';
import { chooseExportTarget, downloadFile } from '../../components/ExportButton';
import { useLongTask } from '../../components/LongTask';
import { setLanguage, type Lang } from '../../i18n';
import type { UpdateState } from '../../../core/host/bridge';
import type { PageProps } from '../registry';

interface BusinessForm {
  name: string;
  refundWindowDays: number;
}

function BusinessCard() {
  const { t } = useTranslation('settings');
  const tc = useTranslation().t;
  const { message } = App.useApp();
  const ws = useApi('workspace.get', {});
  const [form] = Form.useForm<BusinessForm>();
  const { busy, run } = useAction();
  const s = ws.data?.settings;
  useEffect(() => {
    if (s) form.setFieldsValue({ name: s.name, refundWindowDays: s.refundWindowDays });
  }, [s, form]);

  const save = async (values: BusinessForm) => {
    try {
      await run(() => api('workspace.update', values));
      void message.success(tc('saved'));
    } catch (error) {
      const rest = showFieldErrors(form, error);
      void message.error(`${tc('nothingSaved')}${rest ? `: ${rest}` : ''}`);
    }
  };

  return (
    <Card title={t('business')} size="small">
      <Form<BusinessForm>
        form={form}
        layout="vertical"
        onFinish={(v) => void save(v)}
        style={{ maxWidth: 480 }}
        data-testid="business-form"
      >
        <Form.Item name="name" label={t('name')} rules={[{ required: true, whitespace: true }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item label={t('currency')}>
          <Tooltip title={t('currencyFixed')}>
            <Input
              value={s?.currency}
              readOnly
              disabled
              prefix={<LockOutlined />}
              style={{ width: 160 }}
              data-testid="currency"
            />
          </Tooltip>
        </Form.Item>
        <Form.Item name="refundWindowDays" label={t('refundWindow')} extra={t('refundWindowHint')}>
          {/* No min/max here: the contract's validation says what is wrong, on the field. */}
          <InputNumber precision={0} style={{ width: 160 }} data-testid="refund-window" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} data-testid="save-business">
          {tc('save')}
        </Button>
      </Form>
    </Card>
  );
}

function DataCard({ info }: { info: BrowserAppInfo | null }) {
  const { t } = useTranslation('settings');
  const tc = useTranslation().t;
  const { message } = App.useApp();
  const longTask = useLongTask();
  const [last, setLast] = useState<string | null>(null);

  const backup = async () => {
    try {
      const stamp = dayjs().format('YYYYMMDDHHmm');
      const file = await chooseExportTarget(`qundesk-backup-${stamp}`, 'sqlite');
      if (!file) return;
      const result = await longTask.run({
        title: t('backingUp'),
        cancellable: false,
        task: (options) => api('store.backup', { to: file }, options),
      });
      if (!result) return;
      setLast(result.file);
      if (isBrowserMode) downloadFile(result.file);
      void message.success(t('backupDone', { file: result.file }));
    } catch (error) {
      void message.error(`${tc('failed')}: ${error instanceof Error ? error.message : error}`);
    }
  };

  return (
    <Card title={t('data')} size="small">
      <Descriptions column={1} size="small" bordered data-testid="data-info">
        <Descriptions.Item label={t('storeFile')}>
          <Typography.Text copyable data-testid="settings-store-file">
            {info?.storeFile}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('dataFolder')}>
          <Typography.Text copyable>{info?.dataFolder}</Typography.Text>
        </Descriptions.Item>
        {info?.filesDir ? (
          <Descriptions.Item label={t('filesFolder')}>
            <Typography.Text copyable>{info.filesDir}</Typography.Text>
          </Descriptions.Item>
        ) : null}
        <Descriptions.Item label={t('version')}>{info?.version}</Descriptions.Item>
        <Descriptions.Item label={t('mode')}>
          {info?.mode === 'electron' ? t('modeElectron') : t('modeBrowser')}
        </Descriptions.Item>
      </Descriptions>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('backups')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('backupHint')}</Typography.Paragraph>
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Button onClick={() => void backup()} loading={longTask.busy} data-testid="backup">
          {t('backupNow')}
        </Button>
        {last ? (
          <Typography.Text type="success" data-testid="backup-file">
            {t('backupDone', { file: last })}
          </Typography.Text>
        ) : null}
        <Alert
          type="info"
          showIcon
          data-testid="restore-note"
          title={isBrowserMode ? t('restoreBrowser') : t('restoreElectron')}
        />
      </Space>
    </Card>
  );
}

function updateText(t: (k: string, o?: Record<string, unknown>) => string, u: UpdateState) {
  return t(`state.${u.state}`, u as unknown as Record<string, unknown>);
}

function UpdatesCard() {
  const { t } = useTranslation('settings');
  const { modal, message } = App.useApp();
  const [update, setUpdate] = useState<UpdateState>({ state: 'idle' });
  const [feedUrl, setFeedUrl] = useState('');
  useEffect(
    () =>
      bridge.onEvent((e) => {
        if (e.type !== 'update') return;
        setUpdate(e.update);
        if (e.update.state === 'available') {
          modal.confirm({
            title: t('downloadConfirm', { version: e.update.version }),
            onOk: () => bridge.updates.download(),
          });
        } else if (e.update.state === 'downloaded') {
          modal.confirm({ title: t('installConfirm'), onOk: () => bridge.updates.install() });
        }
      }),
    [modal, t],
  );

  if (isBrowserMode) {
    return (
      <Card title={t('updates')} size="small">
        <Typography.Text type="secondary" data-testid="updates-off">
          {t('updatesOffBrowser')}
        </Typography.Text>
      </Card>
    );
  }
  const safely = (fn: () => Promise<void>) => () =>
    void fn().catch((e: unknown) => setUpdate({ state: 'error', message: String(e) }));
  return (
    <Card title={t('updates')} size="small">
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Text data-testid="update-state">{updateText(t, update)}</Typography.Text>
        <Space wrap>
          <Button onClick={safely(() => bridge.updates.check())}>{t('check')}</Button>
          <Button
            disabled={update.state !== 'available'}
            onClick={safely(() => bridge.updates.download())}
          >
            {t('download')}
          </Button>
          <Button
            disabled={update.state !== 'downloaded'}
            onClick={safely(() => bridge.updates.install())}
          >
            {t('install')}
          </Button>
        </Space>
        <Space.Compact style={{ maxWidth: 560, width: '100%' }}>
          <Input
            value={feedUrl}
            onChange={(e) => setFeedUrl(e.target.value)}
            placeholder={t('feedUrlHint')}
            aria-label={t('feedUrl')}
          />
          <Button
            onClick={() =>
              void bridge.updates.setFeedUrl(feedUrl.trim()).then(
                () => message.success(t('feedUrlSaved')),
                (e: unknown) => message.error(String(e)),
              )
            }
          >
            {t('setFeedUrl')}
          </Button>
        </Space.Compact>
      </Space>
    </Card>
  );
}

export default function SettingsPage(_props: PageProps) {
  const { t, i18n } = useTranslation('settings');
  const [info, setInfo] = useState<BrowserAppInfo | null>(null);
  useEffect(() => {
    void bridge.appInfo().then(setInfo);
  }, []);
  return (
    <div data-testid="settings" style={{ maxWidth: 900 }}>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('title')}
      </Typography.Title>
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        <BusinessCard />
        <Card title={t('language')} size="small">
          <Select
            value={i18n.language as Lang}
            onChange={(v: Lang) => setLanguage(v)}
            style={{ width: 200 }}
            aria-label={t('language')}
            data-testid="settings-language"
            options={[
              { value: 'zh', label: '中文' },
              { value: 'en', label: 'English' },
            ]}
          />
        </Card>
        <DataCard info={info} />
        <UpdatesCard />
      </Space>
    </div>
  );
}
