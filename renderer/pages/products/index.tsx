// Products and stock: the catalog (paged from the core, searchable), purchases that bring
// goods in, low-stock alerts (negative stock first) and stocktakes. #/products/ID opens a
// product with its movement ledger.
import { useEffect, useState } from 'react';
import { Badge, Button, Input, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { PageProps } from '../registry';
import { useApi } from '../../api/hooks';
import { navigate } from '../../app/router';
import { ExportButton } from '../../components/ExportButton';
import { useWorkspaceMoney } from '../../components/useWorkspaceMoney';
import { ProductDrawer, StockTag } from './ProductDrawer';
import { ProductForm } from './ProductForm';
import { LowStockTab, PurchasesTab, StocktakeTab } from './StockForms';

const PAGE = 50;

function CatalogTab() {
  const { t } = useTranslation('products');
  const money = useWorkspaceMoney();
  const [typed, setTyped] = useState('');
  const [query, setQuery] = useState('');
  const [category, setCategory] = useState<string | undefined>();
  const [offset, setOffset] = useState(0);
  const [creating, setCreating] = useState(false);
  const categories = useApi('product.categories', {});
  const list = useApi('product.list', {
    query: query || undefined,
    category,
    includeDeleted: false,
    limit: PAGE,
    offset,
  });

  useEffect(() => {
    const timer = setTimeout(() => {
      setQuery(typed.trim());
      setOffset(0);
    }, 250);
    return () => clearTimeout(timer);
  }, [typed]);

  return (
    <>
      <Space style={{ marginBottom: 12, width: '100%', justifyContent: 'space-between' }} wrap>
        <Space wrap>
          <Input
            allowClear
            autoFocus
            prefix={<SearchOutlined />}
            placeholder={t('searchPlaceholder')}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            style={{ width: 260 }}
            data-testid="products-search"
          />
          <Select
            allowClear
            style={{ width: 180 }}
            placeholder={t('allCategories')}
            value={category}
            onChange={(v: string | undefined) => {
              setCategory(v);
              setOffset(0);
            }}
            options={(categories.data ?? []).map((c) => ({
              value: c.category,
              label: `${c.category || '—'} (${c.products})`,
            }))}
          />
          <Typography.Text type="secondary">
            {list.data ? t('count', { count: list.data.total }) : ''}
          </Typography.Text>
        </Space>
        <Space>
          <ExportButton
            method="export.run"
            fileName="products"
            input={(file) => ({ kind: 'products', file, unmasked: false })}
          />
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setCreating(true)}
            data-testid="product-new"
          >
            {t('newProduct')}
          </Button>
        </Space>
      </Space>
      <Table
        size="small"
        rowKey="id"
        data-testid="products-table"
        loading={list.loading && !list.data}
        dataSource={list.data?.rows ?? []}
        onRow={(p) => ({ onClick: () => navigate('products', p.id), style: { cursor: 'pointer' } })}
        pagination={{
          current: offset / PAGE + 1,
          pageSize: PAGE,
          total: list.data?.total ?? 0,
          showSizeChanger: false,
          onChange: (page) => setOffset((page - 1) * PAGE),
        }}
        columns={[
          { title: t('sku'), dataIndex: 'sku', width: 120 },
          {
            title: t('name'),
            dataIndex: 'name',
            render: (n: string, p) => (
              <Space>
                {n}
                {!p.active && <Tag>{t('inactive')}</Tag>}
              </Space>
            ),
          },
          { title: t('category'), dataIndex: 'category' },
          {
            title: t('retailPrice'),
            dataIndex: 'retailPrice',
            align: 'right',
            render: (v: number) => money.format(v),
          },
          {
            title: t('groupPrice'),
            dataIndex: 'groupPrice',
            align: 'right',
            render: (v: number | null) => (v === null ? '—' : money.format(v)),
          },
          {
            title: t('onHand'),
            dataIndex: 'onHand',
            align: 'right',
            render: (_: number, p) => (
              <StockTag onHand={p.onHand} low={p.low} negative={p.negative} />
            ),
          },
          {
            title: t('avgCost'),
            dataIndex: 'avgCost',
            align: 'right',
            render: (v: number) => money.format(v),
          },
          {
            title: t('stockValue'),
            dataIndex: 'stockValue',
            align: 'right',
            render: (v: number) => money.format(v),
          },
        ]}
      />
      <ProductForm
        open={creating}
        product={null}
        onClose={() => setCreating(false)}
        onSaved={(id) => {
          setCreating(false);
          navigate('products', id);
        }}
      />
    </>
  );
}

export default function ProductsPage({ params }: PageProps) {
  const { t } = useTranslation('products');
  const low = useApi('stock.lowStock', {});
  const [tab, setTab] = useState('catalog');
  const openId = params[0];
  return (
    <div data-testid="products-page">
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('title')}
      </Typography.Title>
      <Tabs
        activeKey={tab}
        onChange={setTab}
        destroyOnHidden
        items={[
          { key: 'catalog', label: t('catalog'), children: <CatalogTab /> },
          { key: 'purchases', label: t('purchases'), children: <PurchasesTab /> },
          {
            key: 'low',
            label: (
              <Badge count={low.data?.count ?? 0} size="small" offset={[8, -2]}>
                <span data-testid="tab-low-stock">{t('lowStock')}</span>
              </Badge>
            ),
            children: <LowStockTab />,
          },
          { key: 'stocktake', label: t('stocktake'), children: <StocktakeTab /> },
        ]}
      />
      {openId && <ProductDrawer key={openId} id={openId} onClose={() => navigate('products')} />}
    </div>
  );
}
