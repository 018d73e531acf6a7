// Cloud sync: the state of this device (sync now, sign out), connecting to a sync server (create
// a cloud business as the owner, sign a new device in, join as an agent with an invite code),
// the workspace's devices with revoke and agent invites (owner), the profile edits that lost to a
// newer edit (owner), and the log of changes the server refused, with the reason. Failures are
// worded from the core's problem codes in the user's language, the server's text as a detail.
import { useCallback, useEffect, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  Popconfirm,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
  type ButtonProps,
} from 'antd';
import { CloudSyncOutlined, LogoutOutlined, ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { api, ApiError, type Output } from '../../api/client';
import { showFieldErrors, useAction, useApi } from '../../api/hooks';
import { AgentSelect } from '../../components/AgentSelect';
import { LoadError } from '../../components/LoadError';
import {
  formatSyncTime,
  useSyncStatus,
  useSyncStatusText,
  type SyncView,
} from '../../components/SyncIndicator';
import {
  describeSyncStatus,
  logCodeText,
  problemOfError,
  problemText,
  syncErrorLine,
} from '../../components/syncText';
import type { PageProps } from '../registry';

const DEFAULT_SERVER = 'http://127.0.0.1:8787';

function StatusCard({ view }: { view: SyncView }) {
  const { t, i18n } = useTranslation('sync');
  const { message, modal } = App.useApp();
  const text = useSyncStatusText();
  const { busy, run } = useAction();

  const syncNow = async () => {
    try {
      const s = await run(() => api('sync.now', {}));
      if (s.status === 'up-to-date') void message.success(t('synced'));
      else {
        const why = describeSyncStatus(t, s);
        void message.warning(
          why
            ? why.detail
              ? t('withDetail', { text: why.text, detail: why.detail })
              : why.text
            : t(`status.${s.status}`),
        );
      }
    } catch (e) {
      void message.error(syncErrorLine(t, e));
    }
  };

  const signOut = async (force: boolean) => {
    try {
      await run(() => api('sync.signOut', { force }));
      void message.success(t('signedOut'));
    } catch (e) {
      const pending = ((e as ApiError).details as { pending?: number } | undefined)?.pending;
      if (e instanceof ApiError && e.code === 'INVALID_STATE' && pending) {
        modal.confirm({
          title: t('signOutPending', { count: pending }),
          okText: t('signOutForce'),
          okButtonProps: { danger: true, 'data-testid': 'sync-signout-force' } as ButtonProps,
          onOk: () => signOut(true),
        });
      } else void message.error(syncErrorLine(t, e));
    }
  };

  const explained = describeSyncStatus(t, view);
  return (
    <Card
      size="small"
      title={t('statusCard')}
      extra={
        <Space>
          <Button
            type="primary"
            icon={<CloudSyncOutlined />}
            loading={busy}
            onClick={() => void syncNow()}
            data-testid="sync-now"
          >
            {t('syncNow')}
          </Button>
          <Popconfirm
            title={t('signOutConfirm')}
            onConfirm={() => void signOut(false)}
            okButtonProps={{ 'data-testid': 'sync-signout-confirm' } as ButtonProps}
          >
            <Button icon={<LogoutOutlined />} disabled={busy} data-testid="sync-signout">
              {t('signOut')}
            </Button>
          </Popconfirm>
        </Space>
      }
    >
      <Descriptions column={{ xs: 1, md: 2 }} size="small" bordered data-testid="sync-info">
        <Descriptions.Item label={t('state')}>
          <Typography.Text
            data-testid="sync-page-status"
            type={
              view.status === 'error' || view.status === 'update-required' ? 'danger' : undefined
            }
          >
            {text(view)}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('pendingLabel')}>
          <span data-testid="sync-page-pending">{view.pending}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('server')}>
          <Typography.Text copyable>{view.serverUrl}</Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('workspace')}>
          <span data-testid="sync-workspace">{view.workspaceName}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('account')}>{view.email}</Descriptions.Item>
        <Descriptions.Item label={t('role')}>
          <Tag data-testid="sync-role" color={view.role === 'owner' ? 'gold' : 'blue'}>
            {view.role === 'owner' ? t('roleOwner') : t('roleAgent')}
          </Tag>
        </Descriptions.Item>
        <Descriptions.Item label={t('lastSynced')}>
          {view.lastSyncedAt ? formatSyncTime(view.lastSyncedAt, i18n.language) : t('never')}
        </Descriptions.Item>
        <Descriptions.Item label={t('device')}>
          <Typography.Text type="secondary" copyable>
            {view.deviceId}
          </Typography.Text>
        </Descriptions.Item>
      </Descriptions>
      {explained ? (
        <Alert
          style={{ marginTop: 12 }}
          type={view.status === 'offline' ? 'warning' : 'error'}
          showIcon
          title={t(`status.${view.status}`)}
          description={
            <>
              <div data-testid="sync-message-text">{explained.text}</div>
              {explained.detail ? (
                <Typography.Text type="secondary" data-testid="sync-message-detail">
                  {t('serverSaid')}: {explained.detail}
                </Typography.Text>
              ) : null}
            </>
          }
          data-testid="sync-message"
          data-problem={view.problem ?? ''}
        />
      ) : null}
    </Card>
  );
}

interface ConnectForm {
  serverUrl: string;
  email: string;
  password: string;
  deviceName: string;
  workspaceName?: string;
  code?: string;
}

type Mode = 'signUp' | 'signIn' | 'join';

function ConnectForm({ mode, businessName }: { mode: Mode; businessName: string | undefined }) {
  const { t } = useTranslation('sync');
  const { message } = App.useApp();
  const [form] = Form.useForm<ConnectForm>();
  const { busy, run } = useAction();
  useEffect(() => {
    if (businessName && !form.isFieldTouched('workspaceName'))
      form.setFieldValue('workspaceName', businessName);
  }, [businessName, form]);

  const submit = async (v: ConnectForm) => {
    const base = {
      serverUrl: v.serverUrl,
      email: v.email,
      password: v.password,
      deviceName: v.deviceName,
    };
    try {
      const r = await run(() =>
        mode === 'join'
          ? api('sync.joinAsAgent', { ...base, code: v.code ?? '' })
          : api('sync.signIn', {
              ...base,
              createWorkspace: mode === 'signUp',
              ...(mode === 'signUp' && v.workspaceName ? { workspaceName: v.workspaceName } : {}),
            }),
      );
      void message.success(t('signedIn', { workspace: r.workspace.name }));
    } catch (e) {
      // A wrong password or invite code is shown on its field too.
      const problem = problemOfError(e);
      const field =
        problem === 'wrong-password'
          ? 'password'
          : problem === 'invite-invalid'
            ? 'code'
            : problem === 'email-taken'
              ? 'email'
              : problem === 'wrong-server' || problem === 'offline' || problem === 'timeout'
                ? 'serverUrl'
                : null;
      if (field) form.setFields([{ name: field, errors: [problemText(t, problem!)] }]);
      const rest = showFieldErrors(form, e);
      if (rest || field) void message.error(syncErrorLine(t, e));
    }
  };

  return (
    <Form<ConnectForm>
      form={form}
      layout="vertical"
      style={{ maxWidth: 480 }}
      initialValues={{ serverUrl: DEFAULT_SERVER, deviceName: t('defaultDevice') }}
      onFinish={(v) => void submit(v)}
      data-testid={`sync-form-${mode}`}
    >
      <Typography.Paragraph type="secondary">
        {t(mode === 'signUp' ? 'signUpHint' : mode === 'signIn' ? 'signInHint' : 'joinHint')}
      </Typography.Paragraph>
      <Form.Item name="serverUrl" label={t('serverUrl')} rules={[{ required: true }]}>
        <Input data-testid="sync-server-url" autoComplete="url" />
      </Form.Item>
      {mode === 'join' ? (
        <Form.Item name="code" label={t('inviteCode')} rules={[{ required: true }]}>
          <Input data-testid="sync-invite-code" autoComplete="off" />
        </Form.Item>
      ) : null}
      {mode === 'signUp' ? (
        <Form.Item name="workspaceName" label={t('workspaceName')} rules={[{ required: true }]}>
          <Input maxLength={100} data-testid="sync-workspace-name" />
        </Form.Item>
      ) : null}
      <Form.Item name="email" label={t('email')} rules={[{ required: true }]}>
        <Input type="email" autoComplete="username" data-testid="sync-email" />
      </Form.Item>
      <Form.Item
        name="password"
        label={t('password')}
        rules={[{ required: true }]}
        {...(mode === 'signIn' ? {} : { extra: t('passwordHint') })}
      >
        <Input.Password
          autoComplete={mode === 'signIn' ? 'current-password' : 'new-password'}
          data-testid="sync-password"
        />
      </Form.Item>
      <Form.Item name="deviceName" label={t('deviceName')} rules={[{ required: true }]}>
        <Input maxLength={100} data-testid="sync-device-name" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} data-testid="sync-submit">
        {t(mode === 'signUp' ? 'signUp' : mode === 'signIn' ? 'signIn' : 'join')}
      </Button>
    </Form>
  );
}

function ConnectCard() {
  const { t } = useTranslation('sync');
  const ws = useApi('workspace.get', {});
  const hasBusiness = Boolean(ws.data?.settings);
  const [tab, setTab] = useState<Mode | null>(null);
  const active: Mode = tab ?? (hasBusiness ? 'signUp' : 'signIn');
  const name = ws.data?.settings?.name;
  return (
    <Card size="small" title={t('signInCard')} data-testid="sync-connect">
      <Tabs
        activeKey={active}
        onChange={(k) => setTab(k as Mode)}
        destroyOnHidden
        items={[
          ...(hasBusiness
            ? [
                {
                  key: 'signUp',
                  label: <span data-testid="sync-tab-signUp">{t('tabSignUp')}</span>,
                  children: <ConnectForm mode="signUp" businessName={name} />,
                },
              ]
            : []),
          {
            key: 'signIn',
            label: <span data-testid="sync-tab-signIn">{t('tabSignIn')}</span>,
            children: <ConnectForm mode="signIn" businessName={name} />,
          },
          {
            key: 'join',
            label: <span data-testid="sync-tab-join">{t('tabJoin')}</span>,
            children: <ConnectForm mode="join" businessName={name} />,
          },
        ]}
      />
    </Card>
  );
}

interface DeviceRow {
  id: string;
  name: string;
  role: 'owner' | 'agent';
  agentId: string | null;
  user: { id: string; email: string };
  createdAt: string;
  lastSeenAt: string | null;
  revokedAt: string | null;
  current: boolean;
}

function DevicesCard() {
  const { t, i18n } = useTranslation('sync');
  const tc = useTranslation().t;
  const { message } = App.useApp();
  const [rows, setRows] = useState<DeviceRow[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const r = (await api('sync.devices', {})) as { devices?: DeviceRow[] };
      setRows(r.devices ?? []);
      setError(null);
    } catch (e) {
      setError(new Error(syncErrorLine(t, e)));
    } finally {
      setLoading(false);
    }
  }, [t]);
  useEffect(() => {
    void load();
  }, [load]);

  const revoke = async (id: string) => {
    try {
      await api('sync.revokeDevice', { deviceId: id });
      void message.success(t('revokedDone'));
      await load();
    } catch (e) {
      void message.error(syncErrorLine(t, e));
    }
  };

  const time = (iso: string | null) => (iso ? formatSyncTime(iso, i18n.language) : '—');
  return (
    <Card
      size="small"
      title={t('devices')}
      extra={
        <Button
          size="small"
          icon={<ReloadOutlined />}
          onClick={() => void load()}
          loading={loading}
          aria-label={tc('retry')}
          data-testid="sync-devices-reload"
        />
      }
    >
      {error ? <LoadError error={error} onRetry={() => void load()} /> : null}
      <Table<DeviceRow>
        size="small"
        rowKey="id"
        pagination={false}
        loading={loading && rows === null}
        dataSource={rows ?? []}
        data-testid="sync-devices"
        columns={[
          {
            title: t('deviceCol'),
            dataIndex: 'name',
            render: (name: string, r) => (
              <Space>
                {name}
                {r.current ? <Tag color="green">{t('current')}</Tag> : null}
              </Space>
            ),
          },
          { title: t('user'), render: (_, r) => r.user.email },
          {
            title: t('role'),
            dataIndex: 'role',
            render: (role: string) => (role === 'owner' ? t('roleOwner') : t('roleAgent')),
          },
          { title: t('createdAt'), dataIndex: 'createdAt', render: time },
          { title: t('lastSeen'), dataIndex: 'lastSeenAt', render: time },
          {
            title: t('deviceState'),
            render: (_, r) =>
              r.revokedAt ? <Tag color="red">{t('revoked')}</Tag> : <Tag>{t('active')}</Tag>,
          },
          {
            title: tc('actions'),
            render: (_, r) =>
              r.revokedAt || r.current ? null : (
                <Popconfirm
                  title={t('revokeConfirm')}
                  onConfirm={() => void revoke(r.id)}
                  okButtonProps={
                    { danger: true, 'data-testid': 'sync-revoke-confirm' } as ButtonProps
                  }
                >
                  <Button size="small" danger data-testid={`sync-revoke-${r.name}`}>
                    {t('revoke')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
    </Card>
  );
}

function InviteCard() {
  const { t, i18n } = useTranslation('sync');
  const { message } = App.useApp();
  const [agentId, setAgentId] = useState<string | null>(null);
  const [invite, setInvite] = useState<{ code: string; expiresAt?: string } | null>(null);
  const { busy, run } = useAction();

  const create = async () => {
    if (!agentId) return;
    try {
      setInvite(await run(() => api('sync.invite', { agentId })));
    } catch (e) {
      void message.error(syncErrorLine(t, e));
    }
  };

  return (
    <Card size="small" title={t('invite')}>
      <Typography.Paragraph type="secondary">{t('inviteHint')}</Typography.Paragraph>
      <Space wrap>
        <AgentSelect
          value={agentId}
          onChange={(v) => {
            setAgentId(v);
            setInvite(null);
          }}
          data-testid="sync-invite-agent"
        />
        <Button
          type="primary"
          disabled={!agentId}
          loading={busy}
          onClick={() => void create()}
          data-testid="sync-invite-create"
        >
          {t('createInvite')}
        </Button>
      </Space>
      {invite ? (
        <Alert
          style={{ marginTop: 12 }}
          type="success"
          showIcon
          title={t('inviteCode2', {
            expires: invite.expiresAt ? formatSyncTime(invite.expiresAt, i18n.language) : '—',
          })}
          description={
            <Typography.Text
              code
              copyable
              strong
              style={{ fontSize: 18 }}
              data-testid="sync-invite-result"
            >
              {invite.code}
            </Typography.Text>
          }
        />
      ) : null}
    </Card>
  );
}

type ConflictRow = Output<'sync.conflicts'>['conflicts'][number];

const MONEY_FIELDS = new Set(['retailPrice', 'groupPrice']);
const CONFLICTS_PAGE = 50;

function conflictValue(t: TFunction, field: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return t('empty');
  if (MONEY_FIELDS.has(field) && typeof v === 'number') return `¥${(v / 100).toFixed(2)}`;
  if (typeof v === 'boolean') return v ? '✓' : '✗';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The profile edits that lost to a newer edit of the same field (owner), newest first. */
function ConflictsCard({ syncedAt }: { syncedAt: string | null }) {
  const { t, i18n } = useTranslation('sync');
  const tc = useTranslation().t;
  const [rows, setRows] = useState<ConflictRow[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(
    async (before: string | null) => {
      setLoading(true);
      try {
        const page = await api('sync.conflicts', {
          limit: CONFLICTS_PAGE,
          ...(before === null ? {} : { before }),
        });
        setRows((r) => (before === null ? page.conflicts : [...(r ?? []), ...page.conflicts]));
        setNext(page.next);
        setError(null);
      } catch (e) {
        setError(new Error(syncErrorLine(t, e)));
      } finally {
        setLoading(false);
      }
    },
    [t],
  );
  // Again after each sync: a push may have lost to an edit from another device.
  useEffect(() => {
    void load(null);
  }, [load, syncedAt]);

  const record = (r: ConflictRow) => {
    const what = t(`tables.${r.table}`, { defaultValue: r.table });
    const name = r.rowLabel ?? t('conflictGone');
    return t('conflictRecordLabel', { what, name: r.sku ? `${name} (${r.sku})` : name });
  };
  return (
    <Card
      size="small"
      title={t('conflicts')}
      extra={
        <Button
          size="small"
          icon={<ReloadOutlined />}
          onClick={() => void load(null)}
          loading={loading}
          aria-label={tc('retry')}
          data-testid="sync-conflicts-reload"
        />
      }
    >
      <Typography.Paragraph type="secondary">{t('conflictsHint')}</Typography.Paragraph>
      {error ? <LoadError error={error} onRetry={() => void load(null)} /> : null}
      <Table<ConflictRow>
        size="small"
        rowKey={(r) => `${r.deviceId}/${r.seq}/${r.field}`}
        pagination={false}
        loading={loading && rows === null}
        dataSource={rows ?? []}
        locale={{ emptyText: t('conflictsEmpty') }}
        data-testid="sync-conflicts"
        columns={[
          {
            title: t('conflictEditedAt'),
            width: 140,
            render: (_, r) => formatSyncTime(r.lostEditedAt ?? r.at, i18n.language),
          },
          { title: t('conflictRecord'), render: (_, r) => record(r) },
          {
            title: t('conflictField'),
            dataIndex: 'field',
            width: 120,
            render: (f: string) => t(`fields.${f}`, { defaultValue: f }),
          },
          {
            title: t('conflictLost'),
            render: (_, r) => (
              <Typography.Text delete type="secondary">
                {conflictValue(t, r.field, r.lostValue)}
              </Typography.Text>
            ),
          },
          {
            title: t('conflictCurrent'),
            render: (_, r) => conflictValue(t, r.field, r.currentValue),
          },
          {
            title: t('conflictDevice'),
            width: 140,
            render: (_, r) => r.deviceName ?? r.deviceId,
          },
        ]}
      />
      {next ? (
        <Button
          style={{ marginTop: 8 }}
          onClick={() => void load(next)}
          loading={loading}
          data-testid="sync-conflicts-more"
        >
          {t('conflictMore')}
        </Button>
      ) : null}
    </Card>
  );
}

interface LogRow {
  seq: number;
  name: string;
  args: unknown;
  code: string;
  reason: string;
  at: string;
}

function LogCard() {
  const { t, i18n } = useTranslation('sync');
  const log = useApi('sync.log', { limit: 100 });
  return (
    <Card size="small" title={t('log')}>
      {log.error ? <LoadError error={log.error} onRetry={log.reload} /> : null}
      <Table<LogRow>
        size="small"
        rowKey="seq"
        pagination={false}
        loading={log.loading && !log.data}
        dataSource={log.data ?? []}
        locale={{ emptyText: t('logEmpty') }}
        data-testid="sync-log"
        columns={[
          {
            title: t('logAt'),
            dataIndex: 'at',
            width: 140,
            render: (at: string) => formatSyncTime(at, i18n.language),
          },
          {
            title: t('logChange'),
            dataIndex: 'name',
            width: 200,
            render: (name: string, r) => (
              <Typography.Text code title={JSON.stringify(r.args)}>
                {name}
              </Typography.Text>
            ),
          },
          { title: t('logReason'), dataIndex: 'reason' },
          {
            title: t('logCode'),
            dataIndex: 'code',
            width: 160,
            render: (code: string) => (
              <Tag title={code} data-code={code}>
                {logCodeText(t, code)}
              </Tag>
            ),
          },
        ]}
      />
    </Card>
  );
}

export default function SyncPage(_props: PageProps) {
  const { t } = useTranslation('sync');
  const { view } = useSyncStatus();
  const signedIn = view !== null && view.status !== 'signed-out';
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="sync-page">
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('intro')}
      </Typography.Paragraph>
      {view === null ? null : signedIn ? <StatusCard view={view} /> : <ConnectCard />}
      {signedIn && view.role === 'owner' ? (
        <>
          <DevicesCard />
          <ConflictsCard syncedAt={view.lastSyncedAt} />
          <InviteCard />
        </>
      ) : null}
      {signedIn && view.role !== 'owner' ? (
        <Alert type="info" showIcon title={t('ownerOnly')} />
      ) : null}
      <LogCard />
    </Space>
  );
}
