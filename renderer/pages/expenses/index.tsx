// Expenses (ads, samples, rent...) and other income (franchise, training, advertising, other):
// record, list with totals by period, correct by reversal (never an edit). Franchise and
// training fees recorded against agents show up in the compliance view beside the list.
import { useMemo, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Form,
  Input,
  Popconfirm,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import type { PageProps } from '../registry';
import { navigate } from '../../app/router';
import { api, type Output } from '../../api/client';
import { showFieldErrors, useAction, useApi } from '../../api/hooks';
import { AgentSelect } from '../../components/AgentSelect';
import { dayText, useWorkspaceMoney } from '../../components/useWorkspaceMoney';
import { CompliancePanel } from '../agents/plans';

const CATEGORIES = [
  'ads',
  'samples',
  'subscription',
  'rent',
  'salary',
  'shipping',
  'packaging',
  'other',
] as const;
const KINDS = ['franchise', 'training', 'advertising', 'other'] as const;

type Range = [dayjs.Dayjs, dayjs.Dayjs];

export default function ExpensesPage({ params }: PageProps) {
  const { t } = useTranslation('expenses');
  const [tab, setTab] = useState(params[0] === 'income' ? 'income' : 'expenses');
  const [range, setRange] = useState<Range>(() => [dayjs().startOf('month'), dayjs()]);
  return (
    <div data-testid="expenses-page">
      <Typography.Title level={3}>{t('title')}</Typography.Title>
      <Space style={{ marginBottom: 12 }} wrap>
        <Typography.Text>{t('period')}</Typography.Text>
        <DatePicker.RangePicker
          allowClear={false}
          value={range}
          onChange={(v) => v && v[0] && v[1] && setRange([v[0], v[1]])}
          presets={[
            { label: t('thisMonth'), value: [dayjs().startOf('month'), dayjs()] },
            {
              label: t('lastMonth'),
              value: [
                dayjs().subtract(1, 'month').startOf('month'),
                dayjs().subtract(1, 'month').endOf('month'),
              ],
            },
            { label: t('thisYear'), value: [dayjs().startOf('year'), dayjs()] },
            {
              label: t('last12Months'),
              value: [dayjs().subtract(11, 'month').startOf('month'), dayjs()],
            },
          ]}
          data-testid="expenses-period"
        />
      </Space>
      <Tabs
        activeKey={tab}
        onChange={(k) => {
          setTab(k);
          navigate('expenses', ...(k === 'income' ? ['income'] : []));
        }}
        items={[
          { key: 'expenses', label: t('tabExpenses'), children: <ExpensesTab range={range} /> },
          { key: 'income', label: t('tabIncome'), children: <IncomeTab range={range} /> },
        ]}
      />
    </div>
  );
}

/** The months a range touches, each clipped to the range (at most 36). */
function monthsOf(range: Range): { key: string; from: string; to: string }[] {
  const out: { key: string; from: string; to: string }[] = [];
  let m = range[0].startOf('month');
  while (!m.isAfter(range[1]) && out.length < 36) {
    const from = m.isBefore(range[0]) ? range[0] : m;
    const end = m.endOf('month');
    const to = end.isAfter(range[1]) ? range[1] : end;
    out.push({
      key: m.format('YYYY-MM'),
      from: from.format('YYYY-MM-DD'),
      to: to.format('YYYY-MM-DD'),
    });
    m = m.add(1, 'month');
  }
  return out;
}

function MonthTotal({
  method,
  from,
  to,
}: {
  method: 'expense.list' | 'income.list';
  from: string;
  to: string;
}) {
  const money = useWorkspaceMoney();
  const r = useApi(method, { from, to, limit: 1, offset: 0 });
  return <span>{r.data ? money.format(r.data.totalAmount) : '…'}</span>;
}

function ByMonth({ method, range }: { method: 'expense.list' | 'income.list'; range: Range }) {
  const { t } = useTranslation('expenses');
  const money = useWorkspaceMoney();
  const months = useMemo(() => monthsOf(range), [range]);
  return (
    <Card size="small" title={t('byMonth', { symbol: money.symbol })}>
      <Table
        size="small"
        rowKey="key"
        pagination={false}
        dataSource={months}
        data-testid={`${method}-by-month`}
        columns={[
          { title: t('month'), dataIndex: 'key' },
          {
            title: t('net', { symbol: money.symbol }),
            key: 'n',
            align: 'right',
            render: (_: unknown, m) => <MonthTotal method={method} from={m.from} to={m.to} />,
          },
        ]}
      />
    </Card>
  );
}

function useReverse(method: 'expense.reverse' | 'income.reverse') {
  const { t } = useTranslation('expenses');
  const { message } = App.useApp();
  return async (id: string) => {
    try {
      await api(method, { id, note: null });
      void message.success(t('reversed'));
    } catch (e) {
      void message.error(e instanceof Error ? e.message : String(e));
    }
  };
}

function RowState({ r }: { r: { reversesId: string | null; reversedById: string | null } }) {
  const { t } = useTranslation('expenses');
  if (r.reversesId) return <Tag color="red">{t('reversal')}</Tag>;
  if (r.reversedById) return <Tag>{t('wasReversed')}</Tag>;
  return null;
}

type Expense = Output<'expense.list'>['rows'][number];

function ExpensesTab({ range }: { range: Range }) {
  const { t } = useTranslation('expenses');
  const money = useWorkspaceMoney();
  const [category, setCategory] = useState<(typeof CATEGORIES)[number] | undefined>(undefined);
  const [page, setPage] = useState(1);
  const from = range[0].format('YYYY-MM-DD');
  const to = range[1].format('YYYY-MM-DD');
  const list = useApi('expense.list', { from, to, category, limit: 20, offset: (page - 1) * 20 });
  const campaigns = useApi('campaign.list', {});
  const campaignName = new Map((campaigns.data?.rows ?? []).map((c) => [c.id, c.name]));
  const reverse = useReverse('expense.reverse');

  return (
    <Row gutter={16}>
      <Col xs={24} lg={16}>
        <Card
          size="small"
          title={t('expenses')}
          extra={
            <Select
              allowClear
              placeholder={t('allCategories')}
              style={{ width: 150 }}
              value={category}
              onChange={(v) => {
                setCategory(v);
                setPage(1);
              }}
              options={CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}`) }))}
            />
          }
        >
          <Statistic
            title={t('netInPeriod', { symbol: money.symbol, from, to })}
            value={list.data ? money.format(list.data.totalAmount) : '—'}
            data-testid="expense-total"
          />
          <Table<Expense>
            size="small"
            rowKey="id"
            style={{ marginTop: 12 }}
            loading={list.loading}
            dataSource={list.data?.rows ?? []}
            data-testid="expense-list"
            pagination={{
              current: page,
              pageSize: 20,
              total: list.data?.total ?? 0,
              onChange: setPage,
            }}
            columns={[
              { title: t('date'), dataIndex: 'spentOn' },
              {
                title: t('categoryCol'),
                dataIndex: 'category',
                render: (c: string) => t(`category.${c}`),
              },
              {
                title: t('amount', { symbol: money.symbol }),
                dataIndex: 'amount',
                align: 'right',
                render: (n: number, r) => (
                  <Typography.Text
                    type={n < 0 ? 'danger' : undefined}
                    delete={r.reversedById !== null}
                  >
                    {money.format(n)}
                  </Typography.Text>
                ),
              },
              {
                title: t('campaign'),
                dataIndex: 'campaignId',
                render: (id: string | null) => (id ? (campaignName.get(id) ?? id) : '—'),
              },
              { title: t('note'), dataIndex: 'note', render: (n: string | null) => n ?? '' },
              { title: '', key: 'state', render: (_: unknown, r) => <RowState r={r} /> },
              {
                title: t('actions'),
                key: 'a',
                render: (_: unknown, r) =>
                  r.reversesId || r.reversedById ? null : (
                    <Popconfirm
                      title={t('reverseConfirm')}
                      description={t('reverseHint')}
                      okText={t('reverse')}
                      onConfirm={() => reverse(r.id)}
                    >
                      <Button size="small" data-testid="reverse-expense">
                        {t('reverse')}
                      </Button>
                    </Popconfirm>
                  ),
              },
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} lg={8}>
        <RecordExpense campaigns={campaigns.data?.rows ?? []} />
        <ByMonth method="expense.list" range={range} />
      </Col>
    </Row>
  );
}

function RecordExpense({ campaigns }: { campaigns: { id: string; name: string }[] }) {
  const { t } = useTranslation('expenses');
  const { t: tc } = useTranslation();
  const { message } = App.useApp();
  const money = useWorkspaceMoney();
  const [form] = Form.useForm();
  const { busy, run } = useAction();

  const submit = async () => {
    const v = form.getFieldsValue(true) as {
      category: (typeof CATEGORIES)[number];
      amount: string;
      spentOn: dayjs.Dayjs | null;
      campaignId: string | null;
      note: string;
    };
    const amount = money.parse(v.amount ?? '');
    if (amount === null) {
      form.setFields([{ name: 'amount', errors: [t('notAnAmount')] }]);
      return;
    }
    try {
      await run(() =>
        api('expense.record', {
          category: v.category,
          amount,
          spentOn: dayText(v.spentOn),
          campaignId: v.campaignId ?? null,
          note: v.note || null,
        }),
      );
      void message.success(t('recorded'));
      form.resetFields();
    } catch (e) {
      const rest = showFieldErrors(form, e);
      if (rest) void message.error(`${tc('nothingSaved')}: ${rest}`);
    }
  };

  return (
    <Card
      size="small"
      title={t('recordExpense')}
      style={{ marginBottom: 12 }}
      data-testid="record-expense"
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          category: 'ads',
          amount: '',
          spentOn: dayjs(),
          campaignId: null,
          note: '',
        }}
        onFinish={() => void submit()}
      >
        <Form.Item name="category" label={t('categoryCol')}>
          <Select
            options={CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}`) }))}
            data-testid="expense-category"
          />
        </Form.Item>
        <Form.Item name="amount" label={t('amount', { symbol: money.symbol })}>
          <Input prefix={money.symbol} inputMode="decimal" data-testid="expense-amount" />
        </Form.Item>
        <Form.Item name="spentOn" label={t('date')}>
          <DatePicker allowClear={false} />
        </Form.Item>
        <Form.Item name="campaignId" label={t('campaign')}>
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            options={campaigns.map((c) => ({ value: c.id, label: c.name }))}
          />
        </Form.Item>
        <Form.Item name="note" label={t('note')}>
          <Input data-testid="expense-note" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} data-testid="expense-save">
          {tc('save')}
        </Button>
      </Form>
    </Card>
  );
}

type Income = Output<'income.list'>['rows'][number];

function IncomeTab({ range }: { range: Range }) {
  const { t } = useTranslation('expenses');
  const money = useWorkspaceMoney();
  const [kind, setKind] = useState<(typeof KINDS)[number] | undefined>(undefined);
  const [page, setPage] = useState(1);
  const from = range[0].format('YYYY-MM-DD');
  const to = range[1].format('YYYY-MM-DD');
  const list = useApi('income.list', { from, to, kind, limit: 20, offset: (page - 1) * 20 });
  const reverse = useReverse('income.reverse');

  return (
    <Row gutter={16}>
      <Col xs={24} lg={16}>
        <Card
          size="small"
          title={t('income')}
          style={{ marginBottom: 12 }}
          extra={
            <Select
              allowClear
              placeholder={t('allKinds')}
              style={{ width: 150 }}
              value={kind}
              onChange={(v) => {
                setKind(v);
                setPage(1);
              }}
              options={KINDS.map((k) => ({ value: k, label: t(`kind.${k}`) }))}
            />
          }
        >
          <Statistic
            title={t('netInPeriod', { symbol: money.symbol, from, to })}
            value={list.data ? money.format(list.data.totalAmount) : '—'}
            data-testid="income-total"
          />
          <Table<Income>
            size="small"
            rowKey="id"
            style={{ marginTop: 12 }}
            loading={list.loading}
            dataSource={list.data?.rows ?? []}
            data-testid="income-list"
            pagination={{
              current: page,
              pageSize: 20,
              total: list.data?.total ?? 0,
              onChange: setPage,
            }}
            columns={[
              { title: t('date'), dataIndex: 'receivedOn' },
              {
                title: t('kindCol'),
                dataIndex: 'kind',
                render: (k: string) =>
                  k === 'franchise' || k === 'training' ? (
                    <Tag color="orange">{t(`kind.${k}`)}</Tag>
                  ) : (
                    t(`kind.${k}`)
                  ),
              },
              {
                title: t('amount', { symbol: money.symbol }),
                dataIndex: 'amount',
                align: 'right',
                render: (n: number, r) => (
                  <Typography.Text
                    type={n < 0 ? 'danger' : undefined}
                    delete={r.reversedById !== null}
                  >
                    {money.format(n)}
                  </Typography.Text>
                ),
              },
              {
                title: t('agent'),
                dataIndex: 'agentId',
                render: (id: string | null) => (id ? <AgentLink id={id} /> : '—'),
              },
              { title: t('note'), dataIndex: 'note', render: (n: string | null) => n ?? '' },
              { title: '', key: 'state', render: (_: unknown, r) => <RowState r={r} /> },
              {
                title: t('actions'),
                key: 'a',
                render: (_: unknown, r) =>
                  r.reversesId || r.reversedById ? null : (
                    <Popconfirm
                      title={t('reverseConfirm')}
                      description={t('reverseHint')}
                      okText={t('reverse')}
                      onConfirm={() => reverse(r.id)}
                    >
                      <Button size="small" data-testid="reverse-income">
                        {t('reverse')}
                      </Button>
                    </Popconfirm>
                  ),
              },
            ]}
          />
        </Card>
        <CompliancePanel />
      </Col>
      <Col xs={24} lg={8}>
        <RecordIncome />
        <ByMonth method="income.list" range={range} />
      </Col>
    </Row>
  );
}

function AgentLink({ id }: { id: string }) {
  const a = useApi('agent.get', { id });
  return <a onClick={() => navigate('agents', id)}>{a.data?.name ?? id}</a>;
}

function RecordIncome() {
  const { t } = useTranslation('expenses');
  const { t: tc } = useTranslation();
  const { message } = App.useApp();
  const money = useWorkspaceMoney();
  const [form] = Form.useForm();
  const { busy, run } = useAction();
  const kind = Form.useWatch('kind', form) as string | undefined;
  const agentId = Form.useWatch('agentId', form) as string | null | undefined;
  const entryFee = (kind === 'franchise' || kind === 'training') && !!agentId;

  const submit = async () => {
    const v = form.getFieldsValue(true) as {
      kind: (typeof KINDS)[number];
      amount: string;
      receivedOn: dayjs.Dayjs | null;
      agentId: string | null;
      note: string;
    };
    const amount = money.parse(v.amount ?? '');
    if (amount === null) {
      form.setFields([{ name: 'amount', errors: [t('notAnAmount')] }]);
      return;
    }
    try {
      await run(() =>
        api('income.record', {
          kind: v.kind,
          amount,
          receivedOn: dayText(v.receivedOn),
          agentId: v.agentId ?? null,
          note: v.note || null,
        }),
      );
      void message.success(t('recorded'));
      form.resetFields();
    } catch (e) {
      const rest = showFieldErrors(form, e);
      if (rest) void message.error(`${tc('nothingSaved')}: ${rest}`);
    }
  };

  return (
    <Card
      size="small"
      title={t('recordIncome')}
      style={{ marginBottom: 12 }}
      data-testid="record-income"
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ kind: 'other', amount: '', receivedOn: dayjs(), agentId: null, note: '' }}
        onFinish={() => void submit()}
      >
        <Form.Item name="kind" label={t('kindCol')}>
          <Select
            options={KINDS.map((k) => ({ value: k, label: t(`kind.${k}`) }))}
            data-testid="income-kind"
          />
        </Form.Item>
        <Form.Item name="amount" label={t('amount', { symbol: money.symbol })}>
          <Input prefix={money.symbol} inputMode="decimal" data-testid="income-amount" />
        </Form.Item>
        <Form.Item name="receivedOn" label={t('date')}>
          <DatePicker allowClear={false} />
        </Form.Item>
        <Form.Item name="agentId" label={t('fromAgent')}>
          <AgentSelect data-testid="income-agent" />
        </Form.Item>
        <Form.Item name="note" label={t('note')}>
          <Input />
        </Form.Item>
        {entryFee && (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 12 }}
            title={t('entryFeeWarning')}
            data-testid="entry-fee-warning"
          />
        )}
        <Button type="primary" htmlType="submit" loading={busy} data-testid="income-save">
          {tc('save')}
        </Button>
      </Form>
    </Card>
  );
}
