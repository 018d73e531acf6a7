// Goods in and counts: the purchases list with its entry form (lines of product, quantity,
// unit cost; the average cost moves), the low-stock alerts, and the stocktake form.
import { useState } from 'react';
import {
  App,
  Button,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  type ButtonProps,
} from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api, type Output } from '../../api/client';
import { showFieldErrors, useApi } from '../../api/hooks';
import { navigate } from '../../app/router';
import {
  EnterSubmits,
  MoneyTextError,
  ProductSelect,
  errorText,
  useMoneyFields,
} from '../../components/SalesKit';
import { dayText, useWorkspaceMoney } from '../../components/useWorkspaceMoney';
import { StockTag } from './ProductDrawer';

interface PurchaseValues {
  supplierId: string | null;
  receivedOn: Dayjs | null;
  reference: string;
  lines: { productId: string | null; quantity: number | null; unitCost: string }[];
}

function PurchaseForm({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation('products');
  const { t: tc } = useTranslation();
  const { message, modal } = App.useApp();
  const [form] = Form.useForm<PurchaseValues>();
  const money = useMoneyFields();
  const suppliers = useApi('supplier.list', { limit: 200, offset: 0, includeDeleted: false });

  const submit = async (v: PurchaseValues) => {
    try {
      const lines = v.lines.map((l, i) => ({
        productId: l.productId ?? '',
        quantity: l.quantity as number,
        unitCost: money.read(form, ['lines', i, 'unitCost'], l.unitCost, 'omit') as number,
      }));
      await api('purchase.record', {
        supplierId: v.supplierId,
        receivedOn: dayText(v.receivedOn),
        reference: v.reference || null,
        lines,
      });
      void message.success(tc('saved'));
      onClose();
    } catch (error) {
      if (error instanceof MoneyTextError) return;
      const rest = showFieldErrors(form, error);
      void message.error(rest ? `${tc('nothingSaved')}: ${rest}` : tc('nothingSaved'));
    }
  };

  const newSupplier = () => {
    let name = '';
    modal.confirm({
      title: t('newSupplier'),
      content: <Input placeholder={t('supplierName')} onChange={(e) => (name = e.target.value)} />,
      okText: tc('save'),
      cancelText: tc('cancel'),
      onOk: async () => {
        try {
          const s = await api('supplier.create', { name });
          suppliers.reload();
          form.setFieldValue('supplierId', s.id);
        } catch (error) {
          void message.error(errorText(error));
          throw error;
        }
      },
    });
  };

  return (
    <Modal
      open={open}
      width={760}
      title={t('recordPurchase')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={tc('save')}
      cancelText={tc('cancel')}
      okButtonProps={{ 'data-testid': 'purchase-save' } as ButtonProps}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          supplierId: null,
          receivedOn: dayjs(),
          reference: '',
          lines: [{ productId: null, quantity: null, unitCost: '' }],
        }}
        onFinish={(v) => void submit(v)}
      >
        <Space wrap>
          <Form.Item name="supplierId" label={t('supplier')}>
            <Select
              allowClear
              style={{ width: 220 }}
              placeholder={t('noSupplier')}
              options={(suppliers.data?.rows ?? []).map((s) => ({ value: s.id, label: s.name }))}
            />
          </Form.Item>
          <Button type="link" onClick={newSupplier} style={{ marginTop: 8 }}>
            {t('newSupplier')}
          </Button>
          <Form.Item name="receivedOn" label={t('receivedOn')}>
            <DatePicker allowClear={false} />
          </Form.Item>
          <Form.Item name="reference" label={t('reference')}>
            <Input />
          </Form.Item>
        </Space>
        <Typography.Text strong>{t('lines')}</Typography.Text>
        <Form.List name="lines">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f, i) => (
                <Space key={f.key} align="baseline" wrap>
                  <Form.Item name={[f.name, 'productId']}>
                    <ProductSelect autoFocus={i === fields.length - 1} style={{ width: 300 }} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'quantity']}>
                    <InputNumber placeholder={t('quantity')} precision={0} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'unitCost']}>
                    <Input
                      prefix={money.symbol}
                      placeholder={t('unitCost')}
                      style={{ width: 130 }}
                    />
                  </Form.Item>
                  {fields.length > 1 && <MinusCircleOutlined onClick={() => remove(f.name)} />}
                </Space>
              ))}
              <div>
                <Button
                  type="dashed"
                  icon={<PlusOutlined />}
                  onClick={() => add({ productId: null, quantity: null, unitCost: '' })}
                >
                  {t('addLine')}
                </Button>
              </div>
            </>
          )}
        </Form.List>
        <EnterSubmits />
      </Form>
    </Modal>
  );
}

export function PurchasesTab() {
  const { t } = useTranslation('products');
  const money = useWorkspaceMoney();
  const [offset, setOffset] = useState(0);
  const [open, setOpen] = useState(false);
  const [shown, setShown] = useState<string | null>(null);
  const list = useApi('purchase.list', { limit: 50, offset });
  const detail = useApi('purchase.get', { id: shown ?? '' }, { enabled: !!shown });

  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => setOpen(true)}
          data-testid="purchase-new"
        >
          {t('recordPurchase')}
        </Button>
        {list.data && (
          <Typography.Text type="secondary">
            {t('totalCost')}: {money.format(list.data.totalCost)}
          </Typography.Text>
        )}
      </Space>
      <Table
        size="small"
        rowKey="id"
        loading={list.loading && !list.data}
        dataSource={list.data?.rows ?? []}
        onRow={(r) => ({ onClick: () => setShown(r.id), style: { cursor: 'pointer' } })}
        pagination={{
          current: offset / 50 + 1,
          pageSize: 50,
          total: list.data?.total ?? 0,
          showSizeChanger: false,
          onChange: (p) => setOffset((p - 1) * 50),
        }}
        columns={[
          { title: t('receivedOn'), dataIndex: 'receivedOn', width: 120 },
          {
            title: t('supplier'),
            dataIndex: 'supplierName',
            render: (s: string | null) => s ?? '—',
          },
          { title: t('reference'), dataIndex: 'reference' },
          { title: t('lineCount'), dataIndex: 'lineCount', align: 'right' },
          {
            title: t('totalCost'),
            dataIndex: 'totalCost',
            align: 'right',
            render: (v: number) => money.format(v),
          },
        ]}
      />
      <PurchaseForm open={open} onClose={() => setOpen(false)} />
      <Modal
        open={!!shown}
        width={700}
        footer={null}
        title={detail.data ? `${t('purchases')} ${detail.data.receivedOn}` : t('purchases')}
        onCancel={() => setShown(null)}
      >
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={detail.data?.lines ?? []}
          columns={[
            { title: t('sku'), dataIndex: 'sku' },
            { title: t('name'), dataIndex: 'productName' },
            { title: t('quantity'), dataIndex: 'quantity', align: 'right' },
            {
              title: t('unitCost'),
              dataIndex: 'unitCost',
              align: 'right',
              render: (v: number) => money.format(v),
            },
            {
              title: t('lineCost'),
              dataIndex: 'lineCost',
              align: 'right',
              render: (v: number) => money.format(v),
            },
          ]}
        />
      </Modal>
    </>
  );
}

export function LowStockTab() {
  const { t } = useTranslation('products');
  const money = useWorkspaceMoney();
  const low = useApi('stock.lowStock', {});
  return (
    <Table
      size="small"
      rowKey="productId"
      data-testid="low-stock"
      loading={low.loading && !low.data}
      dataSource={low.data?.rows ?? []}
      pagination={false}
      locale={{ emptyText: t('noLowStock') }}
      onRow={(r) => ({
        onClick: () => navigate('products', r.productId),
        style: { cursor: 'pointer' },
      })}
      columns={[
        { title: t('sku'), dataIndex: 'sku' },
        { title: t('name'), dataIndex: 'name' },
        { title: t('category'), dataIndex: 'category' },
        {
          title: t('onHand'),
          dataIndex: 'onHand',
          render: (_: number, r) => (
            <StockTag onHand={r.onHand} low={r.low} negative={r.negative} />
          ),
        },
        { title: t('threshold'), dataIndex: 'threshold', align: 'right' },
        {
          title: t('avgCost'),
          dataIndex: 'avgCost',
          align: 'right',
          render: (v: number) => money.format(v),
        },
      ]}
    />
  );
}

type Stocktake = Output<'stock.stocktake'>;

export function StocktakeTab() {
  const { t } = useTranslation('products');
  const { t: tc } = useTranslation();
  const { message } = App.useApp();
  const money = useWorkspaceMoney();
  const [form] = Form.useForm();
  const [onHand, setOnHand] = useState<Record<string, number>>({});
  const [result, setResult] = useState<Stocktake | null>(null);

  const submit = async (v: {
    countedOn: Dayjs | null;
    note: string;
    lines: { productId: string | null; counted: number | null }[];
  }) => {
    try {
      const r = await api('stock.stocktake', {
        countedOn: dayText(v.countedOn),
        note: v.note || null,
        lines: v.lines.map((l) => ({ productId: l.productId ?? '', counted: l.counted as number })),
      });
      setResult(r);
      form.resetFields();
      void message.success(t('stocktakeDone', { value: money.format(r.differenceValue) }));
    } catch (error) {
      const rest = showFieldErrors(form, error);
      void message.error(rest ? `${tc('nothingSaved')}: ${rest}` : tc('nothingSaved'));
    }
  };

  return (
    <div data-testid="stocktake">
      <Typography.Paragraph type="secondary">{t('stocktakeHelp')}</Typography.Paragraph>
      <Form
        form={form}
        layout="inline"
        initialValues={{
          countedOn: dayjs(),
          note: '',
          lines: [{ productId: null, counted: null }],
        }}
        onFinish={(v) => void submit(v)}
      >
        <Form.Item name="countedOn" label={t('countedOn')}>
          <DatePicker allowClear={false} />
        </Form.Item>
        <Form.Item name="note" label={t('note')}>
          <Input />
        </Form.Item>
        <div style={{ width: '100%', marginTop: 12 }}>
          <Form.List name="lines">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline" style={{ display: 'flex' }}>
                    <Form.Item name={[f.name, 'productId']}>
                      <ProductSelect
                        style={{ width: 320 }}
                        onPick={(p) => p && setOnHand((m) => ({ ...m, [p.id]: p.onHand }))}
                      />
                    </Form.Item>
                    <Form.Item noStyle shouldUpdate>
                      {() => {
                        const pid = form.getFieldValue(['lines', f.name, 'productId']) as
                          string | null;
                        return (
                          <Typography.Text
                            type="secondary"
                            style={{ width: 120, display: 'inline-block' }}
                          >
                            {t('expected')}: {pid && onHand[pid] !== undefined ? onHand[pid] : '—'}
                          </Typography.Text>
                        );
                      }}
                    </Form.Item>
                    <Form.Item name={[f.name, 'counted']}>
                      <InputNumber placeholder={t('counted')} precision={0} />
                    </Form.Item>
                    {fields.length > 1 && <MinusCircleOutlined onClick={() => remove(f.name)} />}
                  </Space>
                ))}
                <Space style={{ marginTop: 8 }}>
                  <Button
                    type="dashed"
                    icon={<PlusOutlined />}
                    onClick={() => add({ productId: null, counted: null })}
                  >
                    {t('addLine')}
                  </Button>
                  <Button type="primary" htmlType="submit" data-testid="stocktake-save">
                    {t('recordStocktake')}
                  </Button>
                </Space>
              </>
            )}
          </Form.List>
        </div>
      </Form>
      {result && (
        <>
          <h4 style={{ marginTop: 24 }}>
            {t('lastStocktake')} · {result.countedOn}
          </h4>
          <Table
            size="small"
            rowKey="productId"
            pagination={false}
            dataSource={result.lines}
            columns={[
              { title: t('sku'), dataIndex: 'sku' },
              { title: t('name'), dataIndex: 'productName' },
              { title: t('expected'), dataIndex: 'expected', align: 'right' },
              { title: t('counted'), dataIndex: 'counted', align: 'right' },
              {
                title: t('difference'),
                dataIndex: 'difference',
                align: 'right',
                render: (d: number) =>
                  d === 0 ? 0 : <Tag color={d < 0 ? 'red' : 'green'}>{d > 0 ? `+${d}` : d}</Tag>,
              },
              {
                title: t('differenceValue'),
                dataIndex: 'differenceValue',
                align: 'right',
                render: (v: number) => money.format(v),
              },
            ]}
          />
        </>
      )}
    </div>
  );
}
