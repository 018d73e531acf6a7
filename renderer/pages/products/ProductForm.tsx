// Create or edit a product: SKU, name, category, prices (typed as decimal text, sent as fen),
// tier prices, low-stock threshold; a new product may come with its opening stock, recorded
// as a purchase so the average cost starts right.
import { useEffect } from 'react';
import {
  App,
  AutoComplete,
  Button,
  Col,
  Form,
  Input,
  InputNumber,
  Modal,
  Row,
  Space,
  Switch,
  Typography,
  type ButtonProps,
} from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, type Output } from '../../api/client';
import { showFieldErrors, useApi } from '../../api/hooks';
import { EnterSubmits, MoneyTextError, errorText, useMoneyFields } from '../../components/SalesKit';

type Product = Output<'product.get'>;

interface Values {
  sku: string;
  name: string;
  category: string;
  unit: string;
  retailPrice: string;
  groupPrice: string;
  lowStockThreshold: number | null;
  active: boolean;
  tierPrices: { code: string; price: string }[];
  openingQty: number | null;
  openingCost: string;
}

const blank: Values = {
  sku: '',
  name: '',
  category: '',
  unit: '件',
  retailPrice: '',
  groupPrice: '',
  lowStockThreshold: 0,
  active: true,
  tierPrices: [],
  openingQty: null,
  openingCost: '',
};

export function ProductForm({
  open,
  product,
  onClose,
  onSaved,
}: {
  open: boolean;
  product: Product | null;
  onClose: () => void;
  onSaved: (id: string) => void;
}) {
  const { t } = useTranslation('products');
  const { t: tc } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const money = useMoneyFields();
  const categories = useApi('product.categories', {}, { enabled: open });

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(
      product
        ? {
            ...blank,
            sku: product.sku,
            name: product.name,
            category: product.category,
            unit: product.unit,
            retailPrice: money.format(product.retailPrice),
            groupPrice: product.groupPrice === null ? '' : money.format(product.groupPrice),
            lowStockThreshold: product.lowStockThreshold,
            active: product.active,
            tierPrices: Object.entries(product.tierPrices).map(([code, price]) => ({
              code,
              price: money.format(price),
            })),
          }
        : blank,
    );
  }, [open, product, form]);

  const submit = async (v: Values) => {
    try {
      const tierPrices: Record<string, number> = {};
      v.tierPrices.forEach((tp, i) => {
        const price = money.read(form, ['tierPrices', i, 'price'], tp.price, 'omit');
        if (price !== undefined) tierPrices[tp.code.trim()] = price;
      });
      const fields = {
        sku: v.sku,
        name: v.name,
        category: v.category ?? '',
        unit: v.unit,
        // Left blank: the contract names the missing price on its field.
        retailPrice: money.read(form, 'retailPrice', v.retailPrice, 'omit') as number,
        groupPrice: money.read(form, 'groupPrice', v.groupPrice, 'omit') ?? null,
        lowStockThreshold: v.lowStockThreshold ?? 0,
        active: v.active,
        tierPrices,
      };
      const openingCost = money.read(form, 'openingCost', v.openingCost, 0)!;
      const openingQty = v.openingQty ?? 0;
      const saved = product
        ? await api('product.update', { id: product.id, ...fields })
        : await api('product.create', fields);
      if (!product && openingQty > 0) {
        try {
          await api('purchase.record', {
            lines: [{ productId: saved.id, quantity: openingQty, unitCost: openingCost }],
            note: t('openingStock'),
          });
        } catch (error) {
          // The product is saved; only its opening stock is not.
          showFieldErrors(form, error, {
            'lines.0.quantity': 'openingQty',
            'lines.0.unitCost': 'openingCost',
          });
          void message.warning(errorText(error));
          onSaved(saved.id);
          return;
        }
      }
      void message.success(tc('saved'));
      onSaved(saved.id);
    } catch (error) {
      if (error instanceof MoneyTextError) return;
      const rest = showFieldErrors(form, error);
      void message.error(rest ? `${tc('nothingSaved')}: ${rest}` : tc('nothingSaved'));
    }
  };

  return (
    <Modal
      open={open}
      width={680}
      title={product ? t('editProduct') : t('newProduct')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={tc('save')}
      cancelText={tc('cancel')}
      okButtonProps={{ 'data-testid': 'product-save' } as ButtonProps}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={blank}
        onFinish={(v) => void submit(v)}
        data-testid="product-form"
      >
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item name="sku" label={t('sku')} required>
              <Input autoFocus data-testid="product-sku" />
            </Form.Item>
          </Col>
          <Col span={16}>
            <Form.Item name="name" label={t('name')} required>
              <Input data-testid="product-name" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="category" label={t('category')}>
              <AutoComplete
                options={(categories.data ?? []).map((c) => ({ value: c.category }))}
                filterOption
              />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="unit" label={t('unit')} required>
              <Input />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="lowStockThreshold" label={t('lowStockThreshold')}>
              <InputNumber style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="retailPrice" label={t('retailPrice')} required>
              <Input prefix={money.symbol} inputMode="decimal" data-testid="product-price" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="groupPrice" label={t('groupPrice')}>
              <Input prefix={money.symbol} inputMode="decimal" data-testid="product-group-price" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="active" label={t('active')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Col>
        </Row>
        <Typography.Text strong>{t('tierPrices')}</Typography.Text>
        <Form.List name="tierPrices">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} align="baseline">
                  <Form.Item name={[f.name, 'code']}>
                    <Input placeholder={t('tierCode')} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'price']}>
                    <Input prefix={money.symbol} placeholder={t('tierPrice')} />
                  </Form.Item>
                  <MinusCircleOutlined onClick={() => remove(f.name)} />
                </Space>
              ))}
              <div>
                <Button
                  type="dashed"
                  size="small"
                  icon={<PlusOutlined />}
                  onClick={() => add({ code: '', price: '' })}
                  style={{ margin: '4px 0 12px' }}
                >
                  {t('addTier')}
                </Button>
              </div>
            </>
          )}
        </Form.List>
        {!product && (
          <>
            <Typography.Text strong>{t('openingStock')}</Typography.Text>
            <Row gutter={12} style={{ marginTop: 8 }}>
              <Col span={8}>
                <Form.Item name="openingQty" label={t('openingQty')}>
                  <InputNumber
                    min={0}
                    precision={0}
                    style={{ width: '100%' }}
                    data-testid="product-opening-qty"
                  />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name="openingCost" label={t('openingCost')}>
                  <Input
                    prefix={money.symbol}
                    inputMode="decimal"
                    data-testid="product-opening-cost"
                  />
                </Form.Item>
              </Col>
            </Row>
          </>
        )}
        <EnterSubmits />
      </Form>
    </Modal>
  );
}
