// Customers: a virtualized table over the whole list (200,000 rows and more). Only the rows
// in view exist in the DOM, and only the pages of 100 the user scrolled to are fetched from
// the core (customer.list with offset), so memory and the DOM stay small at any size.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Button, Input, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { PageProps } from '../registry';
import { api, type Output } from '../../api/client';
import { bridge } from '../../api/bridge';
import { navigate } from '../../app/router';
import { ExportButton } from '../../components/ExportButton';
import { CustomerDrawer } from './CustomerDrawer';
import { CustomerForm } from './CustomerForm';

type Customer = Output<'customer.list'>['rows'][number];
interface Row {
  index: number;
  c?: Customer;
}

const PAGE = 100;

/** The window of the list the user has scrolled through, fetched a page at a time. */
function useCustomerPages(query: string) {
  const [total, setTotal] = useState<number | null>(null);
  const [version, setVersion] = useState(0);
  const pages = useRef(new Map<number, Customer[]>());
  const pending = useRef(new Set<number>());
  const generation = useRef(0);

  const fetchPage = useCallback(
    (page: number, force = false) => {
      if ((!force && pages.current.has(page)) || pending.current.has(page)) return;
      pending.current.add(page);
      const gen = generation.current;
      void api('customer.list', {
        query: query || undefined,
        limit: PAGE,
        offset: page * PAGE,
      }).then(
        (r) => {
          if (gen !== generation.current) return;
          pending.current.delete(page);
          pages.current.set(page, r.rows);
          setTotal(r.total);
          setVersion((v) => v + 1);
        },
        () => {
          if (gen === generation.current) pending.current.delete(page);
        },
      );
    },
    [query],
  );

  const reset = useCallback(
    (keepRows: boolean) => {
      generation.current += 1;
      pending.current = new Set();
      const loaded = [...pages.current.keys()];
      if (!keepRows) {
        pages.current = new Map();
        setTotal(null);
      }
      // Keeping rows: the pages in view are fetched again and replace the old ones on arrival.
      for (const p of keepRows && loaded.length ? loaded : [0]) fetchPage(p, true);
    },
    [fetchPage],
  );

  useEffect(() => reset(false), [reset]);

  // Any change in the store (a customer added, edited, erased) refreshes the pages in view.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = bridge.onEvent((e) => {
      if (e.type !== 'changed') return;
      clearTimeout(timer);
      timer = setTimeout(() => reset(true), 200);
    });
    return () => {
      clearTimeout(timer);
      off();
    };
  }, [reset]);

  const rows = useMemo<Row[]>(() => {
    const n = total ?? 0;
    const out: Row[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const c = pages.current.get(Math.floor(i / PAGE))?.[i % PAGE];
      out[i] = c ? { index: i, c } : { index: i };
    }
    return out;
  }, [total, version]);

  /** Called while a row is drawn: fetches its page if it is not there yet. */
  const want = useCallback(
    (index: number) => {
      const page = Math.floor(index / PAGE);
      if (pages.current.has(page) || pending.current.has(page)) return;
      setTimeout(() => fetchPage(page), 0);
    },
    [fetchPage],
  );

  return { rows, total, want };
}

function useTableHeight() {
  const [h, setH] = useState(() => Math.max(300, window.innerHeight - 230));
  useEffect(() => {
    const on = () => setH(Math.max(300, window.innerHeight - 230));
    window.addEventListener('resize', on);
    return () => window.removeEventListener('resize', on);
  }, []);
  return h;
}

export default function CustomersPage({ params }: PageProps) {
  const { t } = useTranslation('customers');
  const [typed, setTyped] = useState('');
  const [query, setQuery] = useState('');
  const [creating, setCreating] = useState(false);
  const height = useTableHeight();
  const { rows, total, want } = useCustomerPages(query);
  const openId = params[0];

  useEffect(() => {
    const timer = setTimeout(() => setQuery(typed.trim()), 250);
    return () => clearTimeout(timer);
  }, [typed]);

  const cell = (render: (c: Customer) => React.ReactNode) => (_: unknown, r: Row) => {
    if (!r.c) {
      want(r.index);
      return <Typography.Text type="secondary">{t('loadingRow')}</Typography.Text>;
    }
    return render(r.c);
  };

  const columns = [
    { title: t('name'), key: 'name', width: 180, render: cell((c) => c.name) },
    { title: t('phone'), key: 'phone', width: 150, render: cell((c) => c.phone ?? '') },
    { title: t('wechatId'), key: 'wechat', width: 160, render: cell((c) => c.wechatId ?? '') },
    {
      title: t('tags'),
      key: 'tags',
      width: 220,
      render: cell((c) => c.tags.slice(0, 4).map((x) => <Tag key={x}>{x}</Tag>)),
    },
    {
      title: t('consent'),
      key: 'consent',
      width: 110,
      render: cell((c) =>
        c.marketingConsent ? <Tag color="green">{t('consentYes')}</Tag> : t('consentNo'),
      ),
    },
    { title: t('source'), key: 'source', width: 120, render: cell((c) => c.source ?? '') },
  ];

  return (
    <div data-testid="customers-page">
      <Space style={{ marginBottom: 12, width: '100%', justifyContent: 'space-between' }} wrap>
        <Space wrap>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('title')}
          </Typography.Title>
          <Input
            allowClear
            autoFocus
            prefix={<SearchOutlined />}
            placeholder={t('searchPlaceholder')}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            style={{ width: 320 }}
            data-testid="customers-search"
          />
          <Typography.Text type="secondary" data-testid="customers-count">
            {total === null ? '' : t('count', { count: total })}
          </Typography.Text>
        </Space>
        <Space>
          <ExportButton
            method="export.run"
            fileName="customers"
            label={t('exportList')}
            input={(file) => ({ kind: 'customers', file, unmasked: false })}
            data-testid="customers-export"
          />
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setCreating(true)}
            data-testid="customer-new"
          >
            {t('newCustomer')}
          </Button>
        </Space>
      </Space>
      <div data-testid="customers-table">
        <Table<Row>
          virtual
          size="small"
          rowKey="index"
          columns={columns}
          dataSource={rows}
          pagination={false}
          loading={total === null}
          scroll={{ y: height, x: 940 }}
          onRow={(r) => ({
            onClick: () => r.c && navigate('customers', r.c.id),
            style: { cursor: 'pointer' },
          })}
        />
      </div>
      <CustomerForm
        open={creating}
        customer={null}
        onClose={() => setCreating(false)}
        onSaved={(id) => {
          setCreating(false);
          navigate('customers', id);
        }}
      />
      {openId && <CustomerDrawer key={openId} id={openId} onClose={() => navigate('customers')} />}
    </div>
  );
}
