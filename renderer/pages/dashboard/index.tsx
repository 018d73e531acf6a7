// The owner's dashboard: KPI cards, the profit trend, where fees went, commissions by level
// and the top agents, the best products and groups, and low stock. Four calls, all sent at
// once (figures.dashboard, commission.report, stock.lowStock, and figures.pnl by day for
// short periods); each card draws as soon as its own data is in.
import { useMemo, useState, type ReactNode } from 'react';
import { Card, Col, Empty, Row, Skeleton, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  ComposedChart,
  Legend,
  Line,
  Pie,
  PieChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { useApi } from '../../api/hooks';
import { navigateWithQuery, useRouteQuery } from '../../app/router';
import { LoadError } from '../../components/LoadError';
import {
  PeriodPicker,
  periodDays,
  periodFromQuery,
  presetPeriod,
  type Period,
} from '../../components/PeriodPicker';
import { useMoney } from '../../components/money';
import { feeLabel, rowLabel } from '../../components/labels';
import type { PageProps } from '../registry';

const COLORS = ['#1677ff', '#fa8c16', '#52c41a', '#eb2f96', '#722ed1', '#13c2c2', '#faad14'];
const C = { revenue: '#1677ff', cogs: '#fa8c16', net: '#52c41a', fees: '#eb2f96' };
/** Periods up to this many days trend by day; longer ones by month. */
const DAILY_UP_TO = 62;

type KpiKey = 'revenue' | 'cogs' | 'grossProfit' | 'netProfit' | 'orders';

function Kpi({
  id,
  title,
  value,
  prefix,
  loading,
}: {
  id: KpiKey;
  title: string;
  value: string | undefined;
  prefix?: string;
  loading: boolean;
}) {
  const testId = `kpi-${id.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  return (
    <Card size="small">
      <Typography.Text type="secondary">{title}</Typography.Text>
      <div className="kpi-value">
        {loading && value === undefined ? (
          <Skeleton.Input active size="small" />
        ) : (
          <>
            {prefix ? <span className="kpi-prefix">{prefix}</span> : null}
            <span data-testid={testId}>{value}</span>
          </>
        )}
      </div>
    </Card>
  );
}

function ChartCard({
  id,
  title,
  extra,
  ready,
  empty,
  children,
}: {
  id: string;
  title: ReactNode;
  extra?: ReactNode;
  ready: boolean;
  empty?: boolean;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Card
      size="small"
      title={title}
      extra={extra}
      data-chart={id}
      data-ready={ready ? 'true' : 'false'}
      style={{ height: '100%' }}
    >
      {!ready ? (
        <Skeleton active paragraph={{ rows: 6 }} />
      ) : empty ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('noData')} />
      ) : (
        children
      )}
    </Card>
  );
}

export default function DashboardPage(_props: PageProps) {
  const { t } = useTranslation('dashboard');
  const tc = useTranslation().t;
  const money = useMoney();
  const query = useRouteQuery();
  const [period, setPeriodState] = useState<Period>(
    () => periodFromQuery(query) ?? presetPeriod('last12'),
  );
  const setPeriod = (p: Period) => {
    setPeriodState(p);
    navigateWithQuery(['dashboard'], { from: p.from, to: p.to });
  };
  const daily = periodDays(period) <= DAILY_UP_TO;

  const dash = useApi('figures.dashboard', period);
  const byDay = useApi('figures.pnl', { ...period, by: 'day' }, { enabled: daily });
  const low = useApi('stock.lowStock', {});
  const agents = useApi('agent.top', { ...period, limit: 6 });
  // commission.report reads the whole commission ledger of the period (tens of seconds on a
  // million orders; the core host runs one query at a time): asked only once the headline
  // figures are all in, so it never holds them up.
  const headlineIn = !!dash.data && !!low.data && !!agents.data && (!daily || !!byDay.data);
  const commissions = useApi('commission.report', period, { enabled: headlineIn });

  const d = dash.data;
  const trendRows = daily ? byDay.data?.rows : d?.trend;
  const trend = useMemo(
    () =>
      (trendRows ?? []).map((r) => ({
        label: daily ? r.key.slice(5) : r.key,
        revenue: money.major(r.revenue),
        cogs: money.major(r.cogs),
        netProfit: money.major(r.netProfit),
      })),
    [trendRows, daily, money],
  );
  const fees = useMemo(
    () =>
      (d?.feeBreakdown ?? [])
        .filter((r) => r.fees !== 0)
        .map((r) => ({ name: feeLabel(tc, r.key), value: money.major(r.fees) })),
    [d, tc, money],
  );
  const levels = useMemo(() => {
    const tot = commissions.data?.totals;
    return tot
      ? [
          { name: t('level0'), value: money.major(tot.level0) },
          { name: t('level1'), value: money.major(tot.level1) },
          { name: t('level2'), value: money.major(tot.level2) },
        ]
      : [];
  }, [commissions.data, t, money]);
  const bars = (rows: { key: string; label: string; revenue: number }[] | undefined) =>
    (rows ?? []).map((r) => ({ name: rowLabel(tc, r), revenue: money.major(r.revenue) }));
  const topProducts = useMemo(() => bars(d?.topProducts), [d, tc, money]);
  const topGroups = useMemo(() => bars(d?.topGroups), [d, tc, money]);

  const tip = (v: unknown) => money.text(Math.round(Number(v) * 10 ** money.currency.decimals));
  const axis = (v: number) =>
    Math.abs(v) >= 10_000 ? `${(v / 10_000).toFixed(v % 10_000 === 0 ? 0 : 1)}w` : String(v);

  const trendReady = !!(daily ? byDay.data : d);
  const allReady = !!d && trendReady && !!low.data && !!agents.data;
  const totals = d?.totals;
  const error = dash.error ?? byDay.error ?? commissions.error ?? low.error ?? agents.error;

  return (
    <div
      data-testid="dashboard"
      data-ready={allReady ? 'true' : 'false'}
      data-from={period.from}
      data-to={period.to}
    >
      <Space
        style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }}
        wrap
        align="center"
      >
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('title')}
        </Typography.Title>
        <PeriodPicker value={period} onChange={setPeriod} testId="dashboard-period" />
      </Space>
      {error ? (
        <div style={{ marginBottom: 16 }}>
          <LoadError
            error={error}
            onRetry={() => {
              dash.reload();
              byDay.reload();
              commissions.reload();
              low.reload();
              agents.reload();
            }}
          />
        </div>
      ) : null}

      <Row gutter={[12, 12]}>
        {(['revenue', 'cogs', 'grossProfit', 'netProfit'] as const).map((k) => (
          <Col key={k} xs={12} md={8} xl={5}>
            <Kpi
              id={k}
              title={tc(`figures.${k}`)}
              prefix={money.currency.symbol}
              value={totals ? money.plain(totals[k]) : undefined}
              loading={dash.loading}
            />
          </Col>
        ))}
        <Col xs={12} md={8} xl={4}>
          <Kpi
            id="orders"
            title={tc('figures.orders')}
            value={totals ? String(totals.orders) : undefined}
            loading={dash.loading}
          />
        </Col>
      </Row>

      <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
        <Col xs={24} xl={16}>
          <ChartCard
            id="trend"
            title={t('trend')}
            extra={<Tag>{daily ? t('trendByDay') : t('trendByMonth')}</Tag>}
            ready={trendReady}
            empty={trend.length === 0}
          >
            <ResponsiveContainer width="100%" height={300}>
              <ComposedChart data={trend} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="label" tick={{ fontSize: 11 }} />
                <YAxis tickFormatter={axis} tick={{ fontSize: 11 }} width={48} />
                <Tooltip formatter={tip} />
                <Legend />
                <Bar
                  dataKey="revenue"
                  name={tc('figures.revenue')}
                  fill={C.revenue}
                  isAnimationActive={false}
                />
                <Bar
                  dataKey="cogs"
                  name={tc('figures.cogs')}
                  fill={C.cogs}
                  isAnimationActive={false}
                />
                <Line
                  dataKey="netProfit"
                  name={tc('figures.netProfit')}
                  stroke={C.net}
                  strokeWidth={2}
                  dot={false}
                  isAnimationActive={false}
                />
              </ComposedChart>
            </ResponsiveContainer>
          </ChartCard>
        </Col>
        <Col xs={24} xl={8}>
          <ChartCard
            id="fees"
            title={t('fees')}
            extra={
              totals ? (
                <Typography.Text type="secondary">
                  {t('feesTotal', { amount: money.text(totals.fees) })}
                </Typography.Text>
              ) : null
            }
            ready={!!d}
            empty={fees.length === 0}
          >
            <ResponsiveContainer width="100%" height={300}>
              <PieChart>
                <Pie
                  data={fees}
                  dataKey="value"
                  nameKey="name"
                  innerRadius={55}
                  outerRadius={95}
                  isAnimationActive={false}
                >
                  {fees.map((f, i) => (
                    <Cell key={f.name} fill={COLORS[i % COLORS.length]} />
                  ))}
                </Pie>
                <Tooltip formatter={tip} />
                <Legend wrapperStyle={{ fontSize: 12 }} />
              </PieChart>
            </ResponsiveContainer>
          </ChartCard>
        </Col>

        <Col xs={24} xl={8}>
          <ChartCard
            id="commissions"
            title={t('commissionsByLevel')}
            extra={
              commissions.data ? (
                <Typography.Text type="secondary">
                  {t('commissionsTotal', { amount: money.text(commissions.data.totals.total) })}
                </Typography.Text>
              ) : null
            }
            ready={!!commissions.data}
          >
            <ResponsiveContainer width="100%" height={240}>
              <BarChart data={levels} margin={{ top: 8, right: 4, bottom: 0, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="name" tick={{ fontSize: 11 }} interval={0} />
                <YAxis tickFormatter={axis} tick={{ fontSize: 11 }} width={44} />
                <Tooltip formatter={tip} />
                <Bar dataKey="value" name={tc('figures.commissions')} isAnimationActive={false}>
                  {levels.map((l, i) => (
                    <Cell key={l.name} fill={COLORS[i]} />
                  ))}
                </Bar>
              </BarChart>
            </ResponsiveContainer>
          </ChartCard>
        </Col>
        <Col xs={24} xl={8}>
          <Card size="small" title={t('topAgents')} style={{ height: '100%' }}>
            <Table
              size="small"
              pagination={false}
              rowKey="agentId"
              data-testid="top-agents"
              loading={!agents.data}
              dataSource={agents.data?.rows ?? []}
              columns={[
                { title: t('agent'), dataIndex: 'name', ellipsis: true },
                {
                  title: tc('figures.revenue'),
                  dataIndex: 'revenue',
                  align: 'right',
                  render: (v: number) => <span className="num">{money.text(v)}</span>,
                },
                { title: tc('figures.orders'), dataIndex: 'orders', align: 'right', width: 80 },
              ]}
              locale={{ emptyText: tc('noData') }}
            />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <ChartCard id="low-stock" title={t('lowStock')} ready={!!low.data}>
            <Table
              size="small"
              rowKey="productId"
              data-testid="low-stock"
              pagination={{ pageSize: 6, size: 'small', hideOnSinglePage: true }}
              dataSource={low.data?.rows ?? []}
              locale={{ emptyText: t('lowStockNone') }}
              columns={[
                { title: t('sku'), dataIndex: 'sku', width: 110 },
                { title: t('product'), dataIndex: 'name', ellipsis: true },
                {
                  title: t('onHand'),
                  dataIndex: 'onHand',
                  align: 'right',
                  render: (v: number) => (
                    <Typography.Text type={v < 0 ? 'danger' : 'warning'}>{v}</Typography.Text>
                  ),
                },
                { title: t('threshold'), dataIndex: 'threshold', align: 'right' },
              ]}
            />
          </ChartCard>
        </Col>

        {(
          [
            ['top-products', t('topProducts'), topProducts, C.revenue],
            ['top-groups', t('topGroups'), topGroups, '#722ed1'],
          ] as const
        ).map(([id, title, data, color]) => (
          <Col key={id} xs={24} xl={12}>
            <ChartCard id={id} title={title} ready={!!d} empty={data.length === 0}>
              <ResponsiveContainer width="100%" height={300}>
                <BarChart
                  data={data}
                  layout="vertical"
                  margin={{ top: 4, right: 16, bottom: 0, left: 0 }}
                >
                  <CartesianGrid strokeDasharray="3 3" horizontal={false} />
                  <XAxis type="number" tickFormatter={axis} tick={{ fontSize: 11 }} />
                  <YAxis
                    type="category"
                    dataKey="name"
                    width={120}
                    tick={{ fontSize: 11 }}
                    interval={0}
                  />
                  <Tooltip formatter={tip} />
                  <Bar
                    dataKey="revenue"
                    name={tc('figures.revenue')}
                    fill={color}
                    isAnimationActive={false}
                  />
                </BarChart>
              </ResponsiveContainer>
            </ChartCard>
          </Col>
        ))}
      </Row>
      {d && totals && totals.revenue === 0 && totals.orders === 0 ? (
        <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
          {t('noFigures')}
        </Typography.Paragraph>
      ) : null}
    </div>
  );
}
