// Keyboard-first order entry: customer search, product lines (Enter in a line adds the next
// one, the unit price defaults from the product), discount, shipping and fees. Ctrl+Enter or
// Ctrl+S saves, Esc cancels. The contract's field errors land on their fields (e.g.
// lines.0.quantity) and nothing is saved.
import { useRef } from 'react';
import {
  App,
  Button,
  Col,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Row,
  Select,
  Space,
  Typography,
  type ButtonProps,
} from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, type Output } from '../../api/client';
import { showFieldErrors } from '../../api/hooks';
import {
  CustomerSelect,
  MoneyTextError,
  ProductSelect,
  useMoneyFields,
} from '../../components/SalesKit';

const FEE_KINDS = ['platform', 'payment', 'shipping', 'packaging', 'other'] as const;
type FeeKind = (typeof FEE_KINDS)[number];

interface LineValues {
  productId: string | null;
  quantity: number | null;
  unitPrice: string;
  lineDiscount: string;
}

interface Values {
  customerId: string | null;
  status: 'confirmed' | 'draft';
  lines: LineValues[];
  orderDiscount: string;
  shippingCharged: string;
  fees: { kind: FeeKind; amount: string }[];
  shippingAddress: string;
  note: string;
}

const newLine = (): LineValues => ({
  productId: null,
  quantity: 1,
  unitPrice: '',
  lineDiscount: '',
});

const blank = (): Values => ({
  customerId: null,
  status: 'confirmed',
  lines: [newLine()],
  orderDiscount: '',
  shippingCharged: '',
  fees: [],
  shippingAddress: '',
  note: '',
});

export function OrderEntry({
  open,
  onClose,
  onSaved,
}: {
  open: boolean;
  onClose: () => void;
  onSaved: (order: Output<'order.create'>) => void;
}) {
  const { t } = useTranslation('orders');
  const { t: tc } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const money = useMoneyFields();
  const addLineRef = useRef<(() => void) | null>(null);
  const saving = useRef(false);

  const submit = async () => {
    if (saving.current) return;
    const v = form.getFieldsValue(true) as Values;
    try {
      const lines = v.lines.map((l, i) => ({
        productId: l.productId ?? '',
        quantity: l.quantity as number,
        unitPrice: money.read(form, ['lines', i, 'unitPrice'], l.unitPrice, 'omit'),
        lineDiscount: money.read(form, ['lines', i, 'lineDiscount'], l.lineDiscount, 'omit'),
      }));
      const input = {
        customerId: v.customerId,
        status: v.status,
        lines,
        orderDiscount: money.read(form, 'orderDiscount', v.orderDiscount)!,
        shippingCharged: money.read(form, 'shippingCharged', v.shippingCharged)!,
        fees: v.fees.map((f, i) => ({
          kind: f.kind,
          amount: money.read(form, ['fees', i, 'amount'], f.amount, 'omit') as number,
        })),
        shippingAddress: v.shippingAddress || null,
        note: v.note || null,
      };
      saving.current = true;
      const order = await api('order.create', input);
      void message.success(t('saved', { no: order.orderNo }));
      form.resetFields();
      onSaved(order);
    } catch (error) {
      if (error instanceof MoneyTextError) return;
      const rest = showFieldErrors(form, error);
      void message.error(rest ? `${tc('nothingSaved')}: ${rest}` : tc('nothingSaved'));
    } finally {
      saving.current = false;
    }
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    const key = e.key.toLowerCase();
    if ((e.ctrlKey || e.metaKey) && (key === 'enter' || key === 's')) {
      e.preventDefault();
      e.stopPropagation();
      void submit();
      return;
    }
    // Enter in a line's quantity, price or discount adds the next line.
    const target = e.target as HTMLElement;
    if (key === 'enter' && target.closest('[data-line-field]')) {
      e.preventDefault();
      addLineRef.current?.();
    }
  };

  const estimate = () => {
    const v = form.getFieldsValue(true) as Values;
    let total = 0;
    for (const l of v.lines ?? []) {
      const price = money.parse(l.unitPrice || '0') ?? 0;
      const disc = money.parse(l.lineDiscount || '0') ?? 0;
      total += (l.quantity ?? 0) * price - disc;
    }
    total -= money.parse(v.orderDiscount || '0') ?? 0;
    total += money.parse(v.shippingCharged || '0') ?? 0;
    return money.withSymbol(total);
  };

  return (
    <Modal
      open={open}
      width={980}
      title={
        <Space>
          {t('newOrder')}
          <Typography.Text type="secondary" style={{ fontWeight: 'normal', fontSize: 12 }}>
            {t('newOrderHint')}
          </Typography.Text>
        </Space>
      }
      onCancel={onClose}
      onOk={() => void submit()}
      okText={tc('save')}
      cancelText={tc('cancel')}
      okButtonProps={{ 'data-testid': 'order-save' } as ButtonProps}
      destroyOnHidden
      maskClosable={false}
    >
      <div onKeyDown={onKeyDown} data-testid="order-form">
        <Form form={form} layout="vertical" initialValues={blank()} onFinish={() => void submit()}>
          <Row gutter={12}>
            <Col span={10}>
              <Form.Item name="customerId" label={t('customer')}>
                <CustomerSelect
                  autoFocus
                  placeholder={t('noCustomer')}
                  data-testid="order-customer"
                />
              </Form.Item>
            </Col>
            <Col span={14}>
              <Form.Item name="status" label={t('saveAs')}>
                <Radio.Group
                  options={[
                    { value: 'confirmed', label: t('confirmNow') },
                    { value: 'draft', label: t('draftOnly') },
                  ]}
                />
              </Form.Item>
            </Col>
          </Row>
          <Typography.Text strong>{t('lines')}</Typography.Text>
          <Form.List name="lines">
            {(fields, { add, remove }) => {
              addLineRef.current = () => add(newLine());
              return (
                <>
                  <Row gutter={8} style={{ color: '#888', fontSize: 12, marginTop: 4 }}>
                    <Col span={10}>{t('product')}</Col>
                    <Col span={3}>{t('quantity')}</Col>
                    <Col span={4}>{t('unitPrice')}</Col>
                    <Col span={4}>{t('lineDiscount')}</Col>
                  </Row>
                  {fields.map((f, i) => (
                    <Row gutter={8} key={f.key} data-testid={`order-line-${i}`}>
                      <Col span={10}>
                        <Form.Item name={[f.name, 'productId']} style={{ marginBottom: 8 }}>
                          <ProductSelect
                            autoFocus={i > 0 && i === fields.length - 1}
                            style={{ width: '100%' }}
                            data-testid={`order-line-product-${i}`}
                            onPick={(p) => {
                              if (!p) return;
                              form.setFieldValue(
                                ['lines', f.name, 'unitPrice'],
                                money.format(p.retailPrice),
                              );
                            }}
                          />
                        </Form.Item>
                      </Col>
                      <Col span={3}>
                        <Form.Item name={[f.name, 'quantity']} style={{ marginBottom: 8 }}>
                          <InputNumber
                            precision={0}
                            style={{ width: '100%' }}
                            data-line-field="quantity"
                            data-testid={`order-line-qty-${i}`}
                          />
                        </Form.Item>
                      </Col>
                      <Col span={4}>
                        <Form.Item name={[f.name, 'unitPrice']} style={{ marginBottom: 8 }}>
                          <Input
                            prefix={money.symbol}
                            inputMode="decimal"
                            data-line-field="unitPrice"
                            data-testid={`order-line-price-${i}`}
                          />
                        </Form.Item>
                      </Col>
                      <Col span={4}>
                        <Form.Item name={[f.name, 'lineDiscount']} style={{ marginBottom: 8 }}>
                          <Input
                            prefix={money.symbol}
                            inputMode="decimal"
                            data-line-field="lineDiscount"
                          />
                        </Form.Item>
                      </Col>
                      <Col span={2}>
                        {fields.length > 1 && (
                          <MinusCircleOutlined
                            style={{ marginTop: 8 }}
                            onClick={() => remove(f.name)}
                            aria-label={t('removeFee')}
                          />
                        )}
                      </Col>
                    </Row>
                  ))}
                  <Button
                    type="dashed"
                    size="small"
                    icon={<PlusOutlined />}
                    onClick={() => add(newLine())}
                    style={{ marginBottom: 12 }}
                  >
                    {t('addLine')}
                  </Button>
                </>
              );
            }}
          </Form.List>
          <Row gutter={12}>
            <Col span={6}>
              <Form.Item name="orderDiscount" label={t('orderDiscount')}>
                <Input prefix={money.symbol} inputMode="decimal" data-testid="order-discount" />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name="shippingCharged" label={t('shippingCharged')}>
                <Input prefix={money.symbol} inputMode="decimal" data-testid="order-shipping" />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="shippingAddress" label={t('shippingAddress')}>
                <Input />
              </Form.Item>
            </Col>
          </Row>
          <Typography.Text strong>{t('fees')}</Typography.Text>
          <Form.List name="fees">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline" style={{ display: 'flex' }}>
                    <Form.Item name={[f.name, 'kind']} style={{ marginBottom: 8 }}>
                      <Select
                        style={{ width: 160 }}
                        options={FEE_KINDS.map((k) => ({ value: k, label: t(`feeKinds.${k}`) }))}
                      />
                    </Form.Item>
                    <Form.Item name={[f.name, 'amount']} style={{ marginBottom: 8 }}>
                      <Input prefix={money.symbol} placeholder={t('feeAmount')} autoFocus />
                    </Form.Item>
                    <MinusCircleOutlined onClick={() => remove(f.name)} />
                  </Space>
                ))}
                <Button
                  type="dashed"
                  size="small"
                  icon={<PlusOutlined />}
                  onClick={() => add({ kind: 'platform', amount: '' })}
                  style={{ margin: '4px 0 12px' }}
                >
                  {t('addFee')}
                </Button>
              </>
            )}
          </Form.List>
          <Form.Item name="note" label={t('note')}>
            <Input />
          </Form.Item>
          <Form.Item noStyle shouldUpdate>
            {() => (
              <Typography.Text strong data-testid="order-estimate">
                {t('estimate')}: {estimate()}
              </Typography.Text>
            )}
          </Form.Item>
        </Form>
      </div>
    </Modal>
  );
}
