// One agent (#/agents/ID): own and team sales, commissions earned by level, balances by
// status, the commission ledger (paged), customers, groups, downline, settlements and moves.
import { useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Result,
  Row,
  Select,
  Space,
  Spin,
  Statistic,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { navigate } from '../../app/router';
import { useApi } from '../../api/hooks';
import type { Output } from '../../api/client';
import { formatRate, useWorkspaceMoney } from '../../components/useWorkspaceMoney';
import { EditAgentDialog, MoveAgentDialog, type EditableAgent, type MoveTarget } from './dialogs';

const ENTRY_STATUS_COLOR: Record<string, string> = {
  pending: 'default',
  payable: 'green',
  inDraft: 'blue',
  settled: 'purple',
};

export function AgentDetail({ id }: { id: string }) {
  const { t } = useTranslation('agents');
  const money = useWorkspaceMoney();
  const agent = useApi('agent.get', { id });
  const [range, setRange] = useState<[dayjs.Dayjs, dayjs.Dayjs]>(() => [
    dayjs().subtract(1, 'year').add(1, 'day'),
    dayjs(),
  ]);
  const from = range[0].format('YYYY-MM-DD');
  const to = range[1].format('YYYY-MM-DD');
  const figures = useApi('agent.figures', { id, from, to });
  const [moving, setMoving] = useState<MoveTarget | null>(null);
  const [editing, setEditing] = useState<EditableAgent | null>(null);

  if (agent.error) {
    return (
      <Result
        status="404"
        title={t('notFound')}
        subTitle={agent.error.message}
        extra={<Button onClick={() => navigate('agents')}>{t('backToTree')}</Button>}
      />
    );
  }
  const a = agent.data;
  if (!a) return <Spin />;
  const f = figures.data;

  return (
    <div data-testid="agent-detail">
      <Space style={{ marginBottom: 8 }}>
        <Button icon={<ArrowLeftOutlined />} onClick={() => navigate('agents')}>
          {t('backToTree')}
        </Button>
      </Space>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {a.name} <Tag>{t(`tier.${a.tier}`)}</Tag>
        {a.status !== 'active' && <Tag color="orange">{t(`status.${a.status}`)}</Tag>}
        {a.deletedAt && <Tag color="red">{t('deleted')}</Tag>}
      </Typography.Title>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Descriptions
          size="small"
          column={{ xs: 1, md: 3 }}
          items={[
            {
              key: 'upline',
              label: t('field.upline'),
              children: a.upline ? (
                <a onClick={() => navigate('agents', a.upline!.id)} data-testid="upline-link">
                  {a.upline.name}
                </a>
              ) : (
                t('topLevel')
              ),
            },
            { key: 'joined', label: t('field.joinedOn'), children: a.joinedOn },
            { key: 'team', label: t('teamSize'), children: a.teamSize },
            { key: 'phone', label: t('field.phone'), children: a.phone ?? '—' },
            { key: 'wechat', label: t('field.wechatId'), children: a.wechatId ?? '—' },
            { key: 'notes', label: t('field.notes'), children: a.notes ?? '—' },
          ]}
        />
        {!a.deletedAt && (
          <Space style={{ marginTop: 8 }}>
            <Button onClick={() => setEditing(a)}>{t('editAgent')}</Button>
            <Button onClick={() => setMoving({ id: a.id, name: a.name })}>
              {t('moveEllipsis')}
            </Button>
          </Space>
        )}
      </Card>

      <Space style={{ marginBottom: 12 }} wrap>
        <Typography.Text>{t('period')}</Typography.Text>
        <DatePicker.RangePicker
          allowClear={false}
          value={range}
          onChange={(v) => v && v[0] && v[1] && setRange([v[0], v[1]])}
          data-testid="agent-period"
        />
      </Space>

      <Row gutter={[12, 12]}>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic
              title={t('ownSales', { symbol: money.symbol })}
              value={f ? money.format(f.ownSales.revenue) : '—'}
              data-testid="own-sales"
            />
            <Typography.Text type="secondary">
              {t('orders', { count: f?.ownSales.orders ?? 0 })}
            </Typography.Text>
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic
              title={t('teamSales', { symbol: money.symbol })}
              value={f ? money.format(f.teamSales.revenue) : '—'}
              data-testid="team-sales"
            />
            <Typography.Text type="secondary">
              {t('orders', { count: f?.teamSales.orders ?? 0 })} ·{' '}
              {t('agentCount', { count: f?.teamSales.agents ?? 0 })}
            </Typography.Text>
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic
              title={t('commissionEarned', { symbol: money.symbol })}
              value={f ? money.format(f.commissions.total) : '—'}
              data-testid="commission-total"
            />
            <Typography.Text type="secondary">{t('netOfReversals')}</Typography.Text>
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic
              title={t('payableNow', { symbol: money.symbol })}
              value={f ? money.format(f.balances.payable) : '—'}
              data-testid="payable-now"
            />
            <Typography.Text type="secondary">
              {t('asOf', { day: f?.balances.asOf ?? '' })}
            </Typography.Text>
          </Card>
        </Col>
      </Row>

      <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
        <Col xs={24} md={12}>
          <Card size="small" title={t('byLevel')}>
            <Table
              size="small"
              pagination={false}
              rowKey="level"
              data-testid="by-level"
              dataSource={f?.commissions.byLevel ?? []}
              columns={[
                {
                  title: t('level'),
                  dataIndex: 'level',
                  render: (l: number) => t(`levelName.${l}`),
                },
                {
                  title: t('accrued'),
                  dataIndex: 'accrued',
                  align: 'right',
                  render: money.format,
                },
                {
                  title: t('reversed'),
                  dataIndex: 'reversed',
                  align: 'right',
                  render: money.format,
                },
                { title: t('net'), dataIndex: 'net', align: 'right', render: money.format },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} md={12}>
          <Card size="small" title={t('balances', { day: f?.balances.asOf ?? '' })}>
            <Row gutter={8} data-testid="balances">
              {(['pending', 'payable', 'inDraft', 'settled'] as const).map((k) => (
                <Col span={6} key={k}>
                  <Statistic
                    title={t(`entryStatus.${k}`)}
                    value={f ? money.format(f.balances[k]) : '—'}
                    data-testid={`balance-${k}`}
                  />
                </Col>
              ))}
            </Row>
            <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
              {t('balancesHint')}
            </Typography.Paragraph>
          </Card>
        </Col>
      </Row>

      <Tabs
        style={{ marginTop: 12 }}
        items={[
          { key: 'ledger', label: t('tab.ledger'), children: <Ledger agentId={id} /> },
          {
            key: 'settlements',
            label: t('tab.settlements'),
            children: <AgentSettlements agentId={id} />,
          },
          {
            key: 'customers',
            label: t('tab.customers'),
            children: <AgentCustomers agentId={id} />,
          },
          { key: 'groups', label: t('tab.groups'), children: <AgentGroups agentId={id} /> },
          { key: 'downline', label: t('tab.downline'), children: <Downline agentId={id} /> },
          { key: 'moves', label: t('tab.moves'), children: <Moves agentId={id} /> },
        ]}
      />
      <MoveAgentDialog target={moving} onClose={() => setMoving(null)} />
      <EditAgentDialog agent={editing} onClose={() => setEditing(null)} />
    </div>
  );
}

type Entry = Output<'commission.entries'>[number];
const PAGE = 20;

/** The agent's commission ledger, a page at a time (newest pages last, as the ledger grows). */
function Ledger({ agentId }: { agentId: string }) {
  const { t } = useTranslation('agents');
  const money = useWorkspaceMoney();
  const [page, setPage] = useState(0);
  const [status, setStatus] = useState<Entry['status'] | undefined>(undefined);
  // One row more than a page tells whether there is a next page.
  const entries = useApi('commission.entries', {
    agentId,
    status,
    limit: PAGE + 1,
    offset: page * PAGE,
  });
  const rows = (entries.data ?? []).slice(0, PAGE);
  const more = (entries.data?.length ?? 0) > PAGE;
  return (
    <div data-testid="ledger">
      {entries.error && (
        <Alert type="error" showIcon title={entries.error.message} style={{ marginBottom: 8 }} />
      )}
      <Space style={{ marginBottom: 8 }}>
        <Select
          allowClear
          placeholder={t('allStatuses')}
          style={{ width: 160 }}
          value={status}
          onChange={(v: Entry['status'] | undefined) => {
            setStatus(v);
            setPage(0);
          }}
          options={(['pending', 'payable', 'inDraft', 'settled'] as const).map((s) => ({
            value: s,
            label: t(`entryStatus.${s}`),
          }))}
        />
      </Space>
      <Table
        size="small"
        rowKey="id"
        loading={entries.loading}
        dataSource={rows}
        pagination={false}
        columns={[
          { title: t('col.accruedOn'), dataIndex: 'accruedOn' },
          {
            title: t('col.order'),
            dataIndex: 'orderNo',
            render: (no: string, r: Entry) => (
              <a onClick={() => navigate('orders', r.orderId)}>
                {no} #{r.lineNo}
              </a>
            ),
          },
          {
            title: t('level'),
            dataIndex: 'level',
            render: (l: number) => t(`levelName.${l}`),
          },
          {
            title: t('col.kind'),
            dataIndex: 'kind',
            render: (k: string) =>
              k === 'reversal' ? <Tag color="red">{t('kind.reversal')}</Tag> : t('kind.accrual'),
          },
          { title: t('col.base'), dataIndex: 'baseAmount', align: 'right', render: money.format },
          { title: t('col.rate'), dataIndex: 'rateBp', align: 'right', render: formatRate },
          {
            title: t('col.amount', { symbol: money.symbol }),
            dataIndex: 'amount',
            align: 'right',
            render: (n: number) => (
              <Typography.Text type={n < 0 ? 'danger' : undefined}>
                {money.format(n)}
              </Typography.Text>
            ),
          },
          {
            title: t('col.status'),
            dataIndex: 'status',
            render: (s: string) => <Tag color={ENTRY_STATUS_COLOR[s]}>{t(`entryStatus.${s}`)}</Tag>,
          },
          {
            title: t('col.settlement'),
            dataIndex: 'settlementId',
            render: (s: string | null) =>
              s ? <a onClick={() => navigate('settlements', s)}>{t('open')}</a> : '—',
          },
        ]}
      />
      <Space style={{ marginTop: 8 }}>
        <Button disabled={page === 0} onClick={() => setPage(page - 1)}>
          {t('prev')}
        </Button>
        <Typography.Text>{t('pageN', { n: page + 1 })}</Typography.Text>
        <Button disabled={!more} onClick={() => setPage(page + 1)} data-testid="ledger-next">
          {t('next')}
        </Button>
      </Space>
    </div>
  );
}

function AgentSettlements({ agentId }: { agentId: string }) {
  const { t } = useTranslation('agents');
  const money = useWorkspaceMoney();
  const list = useApi('settlement.list', { agentId });
  return (
    <Table
      size="small"
      rowKey="id"
      loading={list.loading}
      dataSource={list.data ?? []}
      pagination={{ pageSize: 20 }}
      onRow={(r) => ({
        onClick: () => navigate('settlements', r.id),
        style: { cursor: 'pointer' },
      })}
      columns={[
        {
          title: t('period'),
          key: 'period',
          render: (_: unknown, r) => `${r.periodFrom} – ${r.periodTo}`,
        },
        { title: t('col.entries'), dataIndex: 'entryCount', align: 'right' },
        {
          title: t('col.amount', { symbol: money.symbol }),
          dataIndex: 'total',
          align: 'right',
          render: money.format,
        },
        {
          title: t('col.status'),
          dataIndex: 'status',
          render: (s: string) => (
            <Tag color={s === 'paid' ? 'green' : 'blue'}>{t(`settlementStatus.${s}`)}</Tag>
          ),
        },
        { title: t('col.paidOn'), dataIndex: 'paidOn', render: (d: string | null) => d ?? '—' },
      ]}
    />
  );
}

function AgentCustomers({ agentId }: { agentId: string }) {
  const { t } = useTranslation('agents');
  const [page, setPage] = useState(1);
  const list = useApi('customer.list', {
    ownerAgentId: agentId,
    limit: 20,
    offset: (page - 1) * 20,
  });
  return (
    <Table
      size="small"
      rowKey="id"
      loading={list.loading}
      dataSource={list.data?.rows ?? []}
      pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage }}
      onRow={(r) => ({ onClick: () => navigate('customers', r.id), style: { cursor: 'pointer' } })}
      columns={[
        { title: t('field.name'), dataIndex: 'name' },
        { title: t('field.phone'), dataIndex: 'phone', render: (p: string | null) => p ?? '—' },
        {
          title: t('field.wechatId'),
          dataIndex: 'wechatId',
          render: (p: string | null) => p ?? '—',
        },
      ]}
    />
  );
}

function AgentGroups({ agentId }: { agentId: string }) {
  const { t } = useTranslation('agents');
  const list = useApi('group.list', { ownerAgentId: agentId, limit: 500, offset: 0 });
  return (
    <Table
      size="small"
      rowKey="id"
      loading={list.loading}
      dataSource={list.data?.rows ?? []}
      pagination={{ pageSize: 20 }}
      onRow={(r) => ({ onClick: () => navigate('groups', r.id), style: { cursor: 'pointer' } })}
      columns={[
        { title: t('col.platform'), dataIndex: 'platform' },
        { title: t('field.name'), dataIndex: 'name' },
        { title: t('col.members'), dataIndex: 'activeMemberCount', align: 'right' },
      ]}
    />
  );
}

function Downline({ agentId }: { agentId: string }) {
  const { t } = useTranslation('agents');
  const list = useApi('agent.downline', { id: agentId, includeSelf: false });
  return (
    <Table
      size="small"
      rowKey="id"
      loading={list.loading}
      dataSource={list.data?.rows ?? []}
      pagination={{ pageSize: 20 }}
      onRow={(r) => ({ onClick: () => navigate('agents', r.id), style: { cursor: 'pointer' } })}
      columns={[
        { title: t('field.name'), dataIndex: 'name' },
        { title: t('levelsBelow'), dataIndex: 'depth', align: 'right' },
        { title: t('field.tier'), dataIndex: 'tier', render: (v: string) => t(`tier.${v}`) },
        { title: t('field.status'), dataIndex: 'status', render: (v: string) => t(`status.${v}`) },
      ]}
    />
  );
}

function Moves({ agentId }: { agentId: string }) {
  const { t } = useTranslation('agents');
  const moves = useApi('agent.moves', { id: agentId });
  return (
    <Table
      size="small"
      rowKey="id"
      loading={moves.loading}
      dataSource={moves.data?.rows ?? []}
      pagination={false}
      columns={[
        { title: t('movedOn'), dataIndex: 'movedOn' },
        {
          title: t('fromUpline'),
          dataIndex: 'fromUplineId',
          render: (v: string | null) => (v ? <AgentName id={v} /> : t('topLevel')),
        },
        {
          title: t('toUpline'),
          dataIndex: 'toUplineId',
          render: (v: string | null) => (v ? <AgentName id={v} /> : t('topLevel')),
        },
        { title: t('reason'), dataIndex: 'reason', render: (v: string | null) => v ?? '—' },
      ]}
    />
  );
}

function AgentName({ id }: { id: string }) {
  const a = useApi('agent.get', { id });
  return <a onClick={() => navigate('agents', id)}>{a.data?.name ?? id}</a>;
}
