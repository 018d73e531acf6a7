// One product (#/products/ID): prices, stock figures, the movement ledger with its running
// balance, and stock adjustments (damage, loss, transfer out, correction).
import { useState } from 'react';
import {
  App,
  Button,
  Descriptions,
  Drawer,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Select,
  Space,
  Spin,
  Table,
  Tag,
  type ButtonProps,
} from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';
import { EnterSubmits, errorText, useFormCall } from '../../components/SalesKit';
import { useWorkspaceMoney } from '../../components/useWorkspaceMoney';
import { ProductForm } from './ProductForm';

const ADJUST_KINDS = ['damage', 'loss', 'transfer_out', 'adjustment'] as const;

export function StockTag({
  onHand,
  low,
  negative,
}: {
  onHand: number;
  low: boolean;
  negative: boolean;
}) {
  const { t } = useTranslation('products');
  if (negative)
    return (
      <Tag color="red" data-testid="stock-negative">
        {onHand} · {t('negative')}
      </Tag>
    );
  if (low)
    return (
      <Tag color="orange">
        {onHand} · {t('low')}
      </Tag>
    );
  return <span>{onHand}</span>;
}

export function ProductDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation('products');
  const { t: tc } = useTranslation();
  const { message } = App.useApp();
  const money = useWorkspaceMoney();
  const product = useApi('product.get', { id });
  const [offset, setOffset] = useState(0);
  const movements = useApi('stock.movements', { productId: id, limit: 50, offset });
  const [editing, setEditing] = useState(false);
  const [adjusting, setAdjusting] = useState(false);
  const [adjustForm] = Form.useForm();
  const call = useFormCall();
  const p = product.data;

  const adjust = async (v: {
    kind: (typeof ADJUST_KINDS)[number];
    quantity: number;
    note: string;
  }) => {
    const done = await call(adjustForm, () =>
      api('stock.adjust', {
        productId: id,
        kind: v.kind,
        quantity: v.quantity,
        note: v.note || null,
      }),
    );
    if (!done) return;
    setAdjusting(false);
    product.reload();
    movements.reload();
  };

  const setDeleted = async (deleted: boolean) => {
    try {
      await api(deleted ? 'product.delete' : 'product.restore', { id });
      product.reload();
    } catch (error) {
      void message.error(errorText(error));
    }
  };

  return (
    <Drawer
      open
      size={820}
      title={p ? `${p.sku} ${p.name}` : t('detail')}
      onClose={onClose}
      data-testid="product-drawer"
      extra={
        p && (
          <Space>
            {!p.deletedAt && (
              <Button onClick={() => setEditing(true)} data-testid="product-edit">
                {tc('edit')}
              </Button>
            )}
            {!p.deletedAt && (
              <Button
                onClick={() => {
                  adjustForm.resetFields();
                  setAdjusting(true);
                }}
                data-testid="product-adjust"
              >
                {t('adjust')}
              </Button>
            )}
            {p.deletedAt ? (
              <Button onClick={() => void setDeleted(false)}>{t('restore')}</Button>
            ) : (
              <Popconfirm
                title={t('deleteConfirm', { name: p.name })}
                okText={tc('confirm')}
                cancelText={tc('cancel')}
                onConfirm={() => setDeleted(true)}
              >
                <Button danger>{t('deleteProduct')}</Button>
              </Popconfirm>
            )}
          </Space>
        )
      }
    >
      {!p ? (
        <Spin />
      ) : (
        <>
          {p.deletedAt && <Tag color="red">{t('deleted')}</Tag>}
          <Descriptions column={3} size="small" bordered style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('category')}>{p.category || '—'}</Descriptions.Item>
            <Descriptions.Item label={t('unit')}>{p.unit}</Descriptions.Item>
            <Descriptions.Item label={t('active')}>
              {p.active ? t('active') : t('inactive')}
            </Descriptions.Item>
            <Descriptions.Item label={t('retailPrice')}>
              {money.format(p.retailPrice)}
            </Descriptions.Item>
            <Descriptions.Item label={t('groupPrice')}>
              {p.groupPrice === null ? '—' : money.format(p.groupPrice)}
            </Descriptions.Item>
            <Descriptions.Item label={t('lowStockThreshold')}>
              {p.lowStockThreshold}
            </Descriptions.Item>
            <Descriptions.Item label={t('onHand')}>
              <span data-testid="product-on-hand">
                <StockTag onHand={p.onHand} low={p.low} negative={p.negative} />
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t('avgCost')}>{money.format(p.avgCost)}</Descriptions.Item>
            <Descriptions.Item label={t('stockValue')}>
              {money.format(p.stockValue)}
            </Descriptions.Item>
            <Descriptions.Item label={t('tierPrices')} span={3}>
              {Object.entries(p.tierPrices).length
                ? Object.entries(p.tierPrices).map(([code, price]) => (
                    <Tag key={code}>
                      {code}: {money.format(price)}
                    </Tag>
                  ))
                : '—'}
            </Descriptions.Item>
          </Descriptions>
          <h4>{t('movements')}</h4>
          <Table
            size="small"
            rowKey="id"
            loading={movements.loading && !movements.data}
            dataSource={movements.data?.rows ?? []}
            pagination={{
              current: offset / 50 + 1,
              pageSize: 50,
              total: movements.data?.total ?? 0,
              showSizeChanger: false,
              onChange: (page) => setOffset((page - 1) * 50),
            }}
            data-testid="product-movements"
            columns={[
              { title: t('occurredOn'), dataIndex: 'occurredOn', width: 110 },
              {
                title: t('kind'),
                dataIndex: 'kind',
                render: (k: string) => t(`movementKinds.${k}`),
              },
              {
                title: t('quantity'),
                dataIndex: 'quantity',
                align: 'right',
                render: (q: number) => (
                  <span style={{ color: q < 0 ? '#cf1322' : '#389e0d' }}>
                    {q > 0 ? `+${q}` : q}
                  </span>
                ),
              },
              {
                title: t('unitCost'),
                dataIndex: 'unitCost',
                align: 'right',
                render: (v: number) => money.format(v),
              },
              {
                title: t('balance'),
                dataIndex: 'balance',
                align: 'right',
                render: (b: number) => (b < 0 ? <Tag color="red">{b}</Tag> : b),
              },
              { title: t('note'), dataIndex: 'note', ellipsis: true },
            ]}
          />
        </>
      )}
      <ProductForm
        open={editing}
        product={p ?? null}
        onClose={() => setEditing(false)}
        onSaved={() => {
          setEditing(false);
          product.reload();
        }}
      />
      <Modal
        open={adjusting}
        title={t('adjust')}
        onCancel={() => setAdjusting(false)}
        onOk={() => adjustForm.submit()}
        okText={tc('save')}
        cancelText={tc('cancel')}
        okButtonProps={{ 'data-testid': 'adjust-save' } as ButtonProps}
        destroyOnHidden
      >
        <Form
          form={adjustForm}
          layout="vertical"
          initialValues={{ kind: 'damage', quantity: null, note: '' }}
          onFinish={(v) => void adjust(v)}
        >
          <Form.Item name="kind" label={t('adjustKind')}>
            <Select
              options={ADJUST_KINDS.map((k) => ({ value: k, label: t(`movementKinds.${k}`) }))}
            />
          </Form.Item>
          <Form.Item name="quantity" label={t('quantity')} extra={t('adjustQtyHelp')} required>
            <InputNumber autoFocus precision={0} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="note" label={t('note')}>
            <Input />
          </Form.Item>
          <EnterSubmits />
        </Form>
      </Modal>
    </Drawer>
  );
}
