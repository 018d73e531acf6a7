// One order (#/orders/ID): lines (with what was refunded), fees, payments and refunds, and
// the actions its status allows: confirm, pay (whole or part), ship, complete, cancel, refund.
import { useState } from 'react';
import {
  App,
  Button,
  Checkbox,
  Descriptions,
  Drawer,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Select,
  Space,
  Spin,
  Table,
  Tag,
  Typography,
  type ButtonProps,
} from 'antd';
import { useTranslation } from 'react-i18next';
import { api, type Output } from '../../api/client';
import { showFieldErrors, useApi } from '../../api/hooks';
import { navigate } from '../../app/router';
import {
  EnterSubmits,
  MoneyTextError,
  STATUS_COLOR,
  errorText,
  useMoneyFields,
} from '../../components/SalesKit';

type Order = Output<'order.get'>;
const PAYMENT_METHODS = ['wechat', 'alipay', 'cash', 'bank', 'other'] as const;
type PaymentMethod = (typeof PAYMENT_METHODS)[number];

function PaymentModal({ order, onClose }: { order: Order; onClose: () => void }) {
  const { t } = useTranslation('orders');
  const { t: tc } = useTranslation();
  const { message } = App.useApp();
  const money = useMoneyFields();
  const [form] = Form.useForm();
  const mode = Form.useWatch('mode', form) as 'full' | 'partial' | undefined;

  const submit = async (v: {
    mode: 'full' | 'partial';
    amount: string;
    method: PaymentMethod;
    reference: string;
  }) => {
    try {
      if (v.mode === 'full') {
        await api('order.markPaid', {
          orderId: order.id,
          method: v.method,
          reference: v.reference || null,
        });
      } else {
        await api('order.recordPayment', {
          orderId: order.id,
          amount: money.read(form, 'amount', v.amount, 'omit') as number,
          method: v.method,
          reference: v.reference || null,
        });
      }
      void message.success(t('done', { what: t('pay') }));
      onClose();
    } catch (error) {
      if (error instanceof MoneyTextError) return;
      const rest = showFieldErrors(form, error);
      void message.error(rest ? `${tc('nothingSaved')}: ${rest}` : tc('nothingSaved'));
    }
  };

  return (
    <Modal
      open
      title={`${t('pay')} · ${t('balanceDue')} ${money.withSymbol(order.balanceDue)}`}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={tc('save')}
      cancelText={tc('cancel')}
      okButtonProps={{ 'data-testid': 'payment-save' } as ButtonProps}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          mode: 'full',
          amount: money.format(order.balanceDue),
          method: 'wechat',
          reference: '',
        }}
        onFinish={(v) => void submit(v)}
      >
        <Form.Item name="mode">
          <Radio.Group
            options={[
              { value: 'full', label: t('payFull') },
              { value: 'partial', label: t('payPartial') },
            ]}
          />
        </Form.Item>
        {mode === 'partial' && (
          <Form.Item name="amount" label={t('paymentAmount')}>
            <Input prefix={money.symbol} autoFocus data-testid="payment-amount" />
          </Form.Item>
        )}
        <Form.Item name="method" label={t('paymentMethod')}>
          <Select
            options={PAYMENT_METHODS.map((m) => ({ value: m, label: t(`paymentMethods.${m}`) }))}
          />
        </Form.Item>
        <Form.Item name="reference" label={t('reference')}>
          <Input />
        </Form.Item>
        <EnterSubmits />
      </Form>
    </Modal>
  );
}

function RefundModal({ order, onClose }: { order: Order; onClose: () => void }) {
  const { t } = useTranslation('orders');
  const { t: tc } = useTranslation();
  const { message } = App.useApp();
  const money = useMoneyFields();
  const [form] = Form.useForm();

  const submit = async (v: {
    full: boolean;
    restock: boolean;
    reason: string;
    shippingAmount: string;
    lines: { quantity: number | null; amount: string }[];
  }) => {
    try {
      if (v.full) {
        await api('refund.full', {
          orderId: order.id,
          restock: v.restock,
          reason: v.reason || null,
        });
      } else {
        const lines = order.lines
          .map((l, i) => ({
            lineId: l.id,
            quantity: v.lines[i]?.quantity ?? 0,
            amount: money.read(form, ['lines', i, 'amount'], v.lines[i]?.amount, 'omit'),
          }))
          .filter((l) => l.quantity > 0 || l.amount !== undefined);
        await api('refund.create', {
          orderId: order.id,
          lines,
          shippingAmount: money.read(form, 'shippingAmount', v.shippingAmount)!,
          restock: v.restock,
          reason: v.reason || null,
        });
      }
      void message.success(t('done', { what: t('refund') }));
      onClose();
    } catch (error) {
      if (error instanceof MoneyTextError) return;
      const rest = showFieldErrors(form, error);
      void message.error(rest ? `${tc('nothingSaved')}: ${rest}` : tc('nothingSaved'));
    }
  };

  return (
    <Modal
      open
      width={760}
      title={t('refund')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={tc('save')}
      cancelText={tc('cancel')}
      okButtonProps={{ 'data-testid': 'refund-save' } as ButtonProps}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          full: false,
          restock: true,
          reason: '',
          shippingAmount: '',
          lines: order.lines.map(() => ({ quantity: 0, amount: '' })),
        }}
        onFinish={(v) => void submit(v)}
      >
        <Form.Item name="full" valuePropName="checked">
          <Checkbox data-testid="refund-full">{t('refundFull')}</Checkbox>
        </Form.Item>
        <Form.Item noStyle shouldUpdate={(a, b) => a.full !== b.full}>
          {() =>
            form.getFieldValue('full') ? null : (
              <>
                <Table
                  size="small"
                  rowKey="id"
                  pagination={false}
                  dataSource={order.lines}
                  columns={[
                    { title: t('product'), render: (_, l) => `${l.sku} ${l.productName}` },
                    { title: t('quantity'), dataIndex: 'quantity', align: 'right' },
                    { title: t('refunded'), dataIndex: 'refundedQuantity', align: 'right' },
                    {
                      title: t('netAmount'),
                      dataIndex: 'netAmount',
                      align: 'right',
                      render: (v: number) => money.format(v),
                    },
                    {
                      title: t('refundQty'),
                      render: (_, l, i) => (
                        <Form.Item name={['lines', i, 'quantity']} style={{ margin: 0 }}>
                          <InputNumber
                            min={0}
                            max={l.quantity - l.refundedQuantity}
                            precision={0}
                            data-testid={`refund-qty-${i}`}
                          />
                        </Form.Item>
                      ),
                    },
                    {
                      title: t('refundAmount'),
                      render: (_, _l, i) => (
                        <Form.Item name={['lines', i, 'amount']} style={{ margin: 0 }}>
                          <Input prefix={money.symbol} style={{ width: 120 }} />
                        </Form.Item>
                      ),
                    },
                  ]}
                />
                <Form.Item
                  name="shippingAmount"
                  label={t('refundShipping')}
                  style={{ marginTop: 12 }}
                >
                  <Input prefix={money.symbol} style={{ width: 160 }} />
                </Form.Item>
              </>
            )
          }
        </Form.Item>
        <Form.Item name="restock" valuePropName="checked">
          <Checkbox data-testid="refund-restock">{t('restock')}</Checkbox>
        </Form.Item>
        <Form.Item name="reason" label={t('reason')}>
          <Input />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function OrderDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation('orders');
  const { t: tc } = useTranslation();
  const { message, modal } = App.useApp();
  const money = useMoneyFields();
  const order = useApi('order.get', { id });
  const [paying, setPaying] = useState(false);
  const [refunding, setRefunding] = useState(false);
  const o = order.data;

  const act = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
      void message.success(t('done', { what }));
      order.reload();
    } catch (error) {
      void message.error(`${tc('nothingSaved')}: ${errorText(error)}`);
    }
  };

  const cancel = () => {
    let reason = '';
    modal.confirm({
      title: t('cancelConfirm', { no: o?.orderNo }),
      content: (
        <Input placeholder={t('cancelReason')} onChange={(e) => (reason = e.target.value)} />
      ),
      okText: t('cancel'),
      okButtonProps: { danger: true, 'data-testid': 'order-cancel-ok' } as ButtonProps,
      cancelText: tc('close'),
      onOk: () => act(t('cancel'), () => api('order.cancel', { id, reason: reason || null })),
    });
  };

  const s = o?.status;
  return (
    <Drawer
      open
      size={900}
      title={o ? t('orderNoTitle', { no: o.orderNo }) : t('detail')}
      onClose={onClose}
      data-testid="order-drawer"
      extra={
        o && (
          <Space wrap>
            {s === 'draft' && (
              <Button
                type="primary"
                onClick={() => void act(t('confirm'), () => api('order.confirm', { id }))}
                data-testid="order-confirm"
              >
                {t('confirm')}
              </Button>
            )}
            {s === 'confirmed' && o.balanceDue > 0 && (
              <Button type="primary" onClick={() => setPaying(true)} data-testid="order-pay">
                {t('pay')}
              </Button>
            )}
            {s === 'paid' && (
              <Button
                onClick={() => void act(t('ship'), () => api('order.ship', { id }))}
                data-testid="order-ship"
              >
                {t('ship')}
              </Button>
            )}
            {(s === 'paid' || s === 'shipped') && (
              <Button
                onClick={() => void act(t('complete'), () => api('order.complete', { id }))}
                data-testid="order-complete"
              >
                {t('complete')}
              </Button>
            )}
            {(s === 'paid' || s === 'shipped' || s === 'completed') && (
              <Button danger onClick={() => setRefunding(true)} data-testid="order-refund">
                {t('refund')}
              </Button>
            )}
            {(s === 'draft' || s === 'confirmed') && (
              <Button danger onClick={cancel} data-testid="order-cancel">
                {t('cancel')}
              </Button>
            )}
          </Space>
        )
      }
    >
      {!o ? (
        <Spin />
      ) : (
        <>
          <Descriptions column={3} size="small" bordered style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('status')}>
              <Tag color={STATUS_COLOR[o.status]} data-testid="order-status">
                {t(`statuses.${o.status}`)}
              </Tag>
              {o.isWholesale && <Tag>{t('wholesale')}</Tag>}
            </Descriptions.Item>
            <Descriptions.Item label={t('customer')}>
              {o.customerId ? (
                <Typography.Link onClick={() => navigate('customers', o.customerId!)}>
                  {o.customerName}
                </Typography.Link>
              ) : (
                t('noCustomer')
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('orderedOn')}>{o.orderedOn}</Descriptions.Item>
            <Descriptions.Item label={t('goodsTotal')}>
              {money.format(o.goodsTotal)}
            </Descriptions.Item>
            <Descriptions.Item label={t('orderDiscount')}>
              {money.format(o.orderDiscount)}
            </Descriptions.Item>
            <Descriptions.Item label={t('shippingCharged')}>
              {money.format(o.shippingCharged)}
            </Descriptions.Item>
            <Descriptions.Item label={t('totalDue')}>
              <b data-testid="order-total">{money.format(o.totalDue)}</b>
            </Descriptions.Item>
            <Descriptions.Item label={t('paidTotal')}>
              {money.format(o.paidTotal)}
            </Descriptions.Item>
            <Descriptions.Item label={t('balanceDue')}>
              <span data-testid="order-balance">{money.format(o.balanceDue)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('refundedTotal')}>
              {money.format(o.refundedTotal)}
            </Descriptions.Item>
            <Descriptions.Item label={t('paidOn')}>{o.paidOn ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('shippingAddress')}>
              {o.shippingAddress ?? '—'}
            </Descriptions.Item>
            {o.cancelReason && (
              <Descriptions.Item label={t('cancelledWhy')} span={3}>
                {o.cancelReason}
              </Descriptions.Item>
            )}
            {o.note && (
              <Descriptions.Item label={t('note')} span={3}>
                {o.note}
              </Descriptions.Item>
            )}
          </Descriptions>
          <h4>{t('lines')}</h4>
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={o.lines}
            columns={[
              { title: '#', dataIndex: 'lineNo', width: 40 },
              { title: t('product'), render: (_, l) => `${l.sku} ${l.productName}` },
              { title: t('quantity'), dataIndex: 'quantity', align: 'right' },
              {
                title: t('unitPrice'),
                dataIndex: 'unitPrice',
                align: 'right',
                render: (v: number) => money.format(v),
              },
              {
                title: t('lineDiscount'),
                dataIndex: 'lineDiscount',
                align: 'right',
                render: (v: number) => money.format(v),
              },
              {
                title: t('netAmount'),
                dataIndex: 'netAmount',
                align: 'right',
                render: (v: number) => money.format(v),
              },
              {
                title: t('unitCost'),
                dataIndex: 'unitCost',
                align: 'right',
                render: (v: number) => money.format(v),
              },
              {
                title: t('refunded'),
                align: 'right',
                render: (_, l) =>
                  l.refundedQuantity || l.refundedAmount
                    ? `${l.refundedQuantity} / ${money.format(l.refundedAmount)}`
                    : '',
              },
            ]}
          />
          <h4 style={{ marginTop: 16 }}>{t('fees')}</h4>
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={o.fees}
            columns={[
              { title: t('feeKind'), dataIndex: 'kind', render: (k: string) => t(`feeKinds.${k}`) },
              {
                title: t('amount'),
                dataIndex: 'amount',
                align: 'right',
                render: (v: number) => money.format(v),
              },
              { title: t('note'), dataIndex: 'note' },
              {
                title: '',
                render: (_, f) =>
                  s === 'draft' || s === 'confirmed' ? (
                    <Button
                      size="small"
                      type="link"
                      danger
                      onClick={() =>
                        void act(t('removeFee'), () =>
                          api('order.removeFee', { orderId: id, feeId: f.id }),
                        )
                      }
                    >
                      {t('removeFee')}
                    </Button>
                  ) : null,
              },
            ]}
          />
          <h4 style={{ marginTop: 16 }}>{t('payments')}</h4>
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={o.payments}
            columns={[
              { title: t('day'), dataIndex: 'paidOn' },
              {
                title: t('paymentMethod'),
                dataIndex: 'method',
                render: (m: string) => t(`paymentMethods.${m}`),
              },
              {
                title: t('amount'),
                dataIndex: 'amount',
                align: 'right',
                render: (v: number) => money.format(v),
              },
              { title: t('reference'), dataIndex: 'reference' },
            ]}
          />
          {o.refunds.length > 0 && (
            <>
              <h4 style={{ marginTop: 16 }}>{t('refunds')}</h4>
              <Table
                size="small"
                rowKey="id"
                pagination={false}
                dataSource={o.refunds}
                data-testid="order-refunds"
                columns={[
                  { title: t('day'), dataIndex: 'refundedOn' },
                  {
                    title: t('amount'),
                    dataIndex: 'amount',
                    align: 'right',
                    render: (v: number) => money.format(v),
                  },
                  {
                    title: t('refundShipping'),
                    dataIndex: 'shippingAmount',
                    align: 'right',
                    render: (v: number) => money.format(v),
                  },
                  {
                    title: t('restock'),
                    dataIndex: 'restock',
                    render: (r: boolean) => (r ? '✓' : ''),
                  },
                  { title: t('reason'), dataIndex: 'reason' },
                ]}
              />
            </>
          )}
        </>
      )}
      {o && paying && (
        <PaymentModal
          order={o}
          onClose={() => {
            setPaying(false);
            order.reload();
          }}
        />
      )}
      {o && refunding && (
        <RefundModal
          order={o}
          onClose={() => {
            setRefunding(false);
            order.reload();
          }}
        />
      )}
    </Drawer>
  );
}
