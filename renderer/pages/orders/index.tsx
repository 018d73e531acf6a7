// Orders: the list (paged from the core, by status, order number and order day), a keyboard-
// first entry form (#/orders/new, or N on the list), and an order's detail (#/orders/ID).
import { useEffect, useState } from 'react';
import { Button, DatePicker, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined, SearchOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { PageProps } from '../registry';
import { useApi } from '../../api/hooks';
import { navigate } from '../../app/router';
import { ExportButton } from '../../components/ExportButton';
import { STATUS_COLOR } from '../../components/SalesKit';
import { dayText, useWorkspaceMoney } from '../../components/useWorkspaceMoney';
import { OrderDrawer } from './OrderDrawer';
import { OrderEntry } from './OrderEntry';

const PAGE = 50;
const STATUSES = ['draft', 'confirmed', 'paid', 'shipped', 'completed', 'cancelled'] as const;
type Status = (typeof STATUSES)[number];

export default function OrdersPage({ params }: PageProps) {
  const { t } = useTranslation('orders');
  const money = useWorkspaceMoney();
  const [status, setStatus] = useState<Status | undefined>();
  const [typed, setTyped] = useState('');
  const [query, setQuery] = useState('');
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [offset, setOffset] = useState(0);
  const list = useApi('order.list', {
    status,
    query: query || undefined,
    from: dayText(range?.[0]),
    to: dayText(range?.[1]),
    limit: PAGE,
    offset,
  });
  const entering = params[0] === 'new';
  const openId = params[0] && params[0] !== 'new' ? params[0] : undefined;

  useEffect(() => {
    const timer = setTimeout(() => {
      setQuery(typed.trim());
      setOffset(0);
    }, 250);
    return () => clearTimeout(timer);
  }, [typed]);

  // N opens a new order from the list (not while typing in a field).
  useEffect(() => {
    const on = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement;
      if (e.key.toLowerCase() !== 'n' || e.ctrlKey || e.metaKey || e.altKey) return;
      if (el.closest('input, textarea, [contenteditable], .ant-modal, .ant-drawer')) return;
      e.preventDefault();
      navigate('orders', 'new');
    };
    window.addEventListener('keydown', on);
    return () => window.removeEventListener('keydown', on);
  }, []);

  return (
    <div data-testid="orders-page">
      <Space style={{ marginBottom: 12, width: '100%', justifyContent: 'space-between' }} wrap>
        <Space wrap>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('title')}
          </Typography.Title>
          <Select
            allowClear
            style={{ width: 140 }}
            placeholder={t('allStatuses')}
            value={status}
            onChange={(v: Status | undefined) => {
              setStatus(v);
              setOffset(0);
            }}
            options={STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}`) }))}
            data-testid="orders-status"
          />
          <Input
            allowClear
            prefix={<SearchOutlined />}
            placeholder={t('searchPlaceholder')}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            style={{ width: 180 }}
          />
          <DatePicker.RangePicker
            value={range}
            onChange={(v) => {
              setRange(v as [Dayjs | null, Dayjs | null] | null);
              setOffset(0);
            }}
            placeholder={[t('from'), t('to')]}
          />
          <Typography.Text type="secondary">
            {list.data ? t('count', { count: list.data.total }) : ''}
          </Typography.Text>
        </Space>
        <Space>
          <ExportButton
            method="export.run"
            fileName="orders"
            input={(file) => ({
              kind: 'orders',
              file,
              from: dayText(range?.[0]),
              to: dayText(range?.[1]),
              unmasked: false,
            })}
          />
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => navigate('orders', 'new')}
            data-testid="order-new"
          >
            {t('newOrder')} (N)
          </Button>
        </Space>
      </Space>
      <Table
        size="small"
        rowKey="id"
        data-testid="orders-table"
        loading={list.loading && !list.data}
        dataSource={list.data?.rows ?? []}
        onRow={(o) => ({ onClick: () => navigate('orders', o.id), style: { cursor: 'pointer' } })}
        pagination={{
          current: offset / PAGE + 1,
          pageSize: PAGE,
          total: list.data?.total ?? 0,
          showSizeChanger: false,
          onChange: (p) => setOffset((p - 1) * PAGE),
        }}
        columns={[
          { title: t('orderNo'), dataIndex: 'orderNo', width: 150 },
          { title: t('orderedOn'), dataIndex: 'orderedOn', width: 110 },
          {
            title: t('customer'),
            dataIndex: 'customerName',
            render: (n: string | null) => n ?? t('noCustomer'),
          },
          {
            title: t('status'),
            dataIndex: 'status',
            render: (s: string) => <Tag color={STATUS_COLOR[s]}>{t(`statuses.${s}`)}</Tag>,
          },
          {
            title: t('totalDue'),
            dataIndex: 'totalDue',
            align: 'right',
            render: (v: number) => money.format(v),
          },
          {
            title: t('paidTotal'),
            dataIndex: 'paidTotal',
            align: 'right',
            render: (v: number) => money.format(v),
          },
          {
            title: t('refundedTotal'),
            dataIndex: 'refundedTotal',
            align: 'right',
            render: (v: number) => (v ? money.format(v) : ''),
          },
          {
            title: t('balanceDue'),
            dataIndex: 'balanceDue',
            align: 'right',
            render: (v: number) => (v ? money.format(v) : ''),
          },
        ]}
      />
      <OrderEntry
        open={entering}
        onClose={() => navigate('orders')}
        onSaved={(o) => navigate('orders', o.id)}
      />
      {openId && <OrderDrawer key={openId} id={openId} onClose={() => navigate('orders')} />}
    </div>
  );
}
