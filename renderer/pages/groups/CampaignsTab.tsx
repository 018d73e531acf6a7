// Group-buy campaigns (接龙): setup (products at a group price, per-buyer limit, stock cap,
// dates, minimum participants), participants and their orders, and the decision: succeeded,
// or failed (unpaid orders cancelled, paid ones refunded), shown with what it did.
import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Checkbox,
  DatePicker,
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
  Typography,
  type ButtonProps,
} from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api, type Output } from '../../api/client';
import { showFieldErrors, useApi } from '../../api/hooks';
import { navigate } from '../../app/router';
import {
  CustomerSelect,
  MoneyTextError,
  ProductSelect,
  STATUS_COLOR,
  errorText,
  useMoneyFields,
} from '../../components/SalesKit';
import { dayText, useWorkspaceMoney } from '../../components/useWorkspaceMoney';

type Campaign = Output<'campaign.get'>;
type Decision = Output<'campaign.decide'>;
const PAYMENT_METHODS = ['wechat', 'alipay', 'cash', 'bank', 'other'] as const;

function CampaignForm({ open, onClose }: { open: boolean; onClose: (id?: string) => void }) {
  const { t } = useTranslation('groups');
  const { t: tc } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const money = useMoneyFields();
  const groups = useApi('group.list', { limit: 1000, offset: 0 }, { enabled: open });

  const submit = async (v: {
    name: string;
    groupId: string | null;
    startsOn: Dayjs | null;
    endsOn: Dayjs | null;
    minParticipants: number | null;
    note: string;
    products: {
      productId: string | null;
      groupPrice: string;
      perBuyerLimit: number | null;
      stockCap: number | null;
    }[];
  }) => {
    try {
      const c = await api('campaign.create', {
        name: v.name,
        groupId: v.groupId,
        startsOn: dayText(v.startsOn) ?? '',
        endsOn: dayText(v.endsOn) ?? '',
        minParticipants: v.minParticipants ?? 1,
        note: v.note || null,
        products: v.products.map((p, i) => ({
          productId: p.productId ?? '',
          groupPrice: money.read(
            form,
            ['products', i, 'groupPrice'],
            p.groupPrice,
            'omit',
          ) as number,
          perBuyerLimit: p.perBuyerLimit,
          stockCap: p.stockCap,
        })),
      });
      void message.success(tc('saved'));
      onClose(c.id);
    } catch (error) {
      if (error instanceof MoneyTextError) return;
      const rest = showFieldErrors(form, error);
      void message.error(rest ? `${tc('nothingSaved')}: ${rest}` : tc('nothingSaved'));
    }
  };

  return (
    <Modal
      open={open}
      width={860}
      title={t('newCampaign')}
      onCancel={() => onClose()}
      onOk={() => form.submit()}
      okText={tc('save')}
      cancelText={tc('cancel')}
      okButtonProps={{ 'data-testid': 'campaign-save' } as ButtonProps}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          name: '',
          groupId: null,
          startsOn: dayjs(),
          endsOn: dayjs().add(3, 'day'),
          minParticipants: 2,
          note: '',
          products: [{ productId: null, groupPrice: '', perBuyerLimit: null, stockCap: null }],
        }}
        onFinish={(v) => void submit(v)}
      >
        <Space wrap align="start">
          <Form.Item name="name" label={t('name')} required>
            <Input autoFocus style={{ width: 260 }} data-testid="campaign-name" />
          </Form.Item>
          <Form.Item name="groupId" label={t('group')}>
            <Select
              allowClear
              style={{ width: 220 }}
              placeholder={t('noGroup')}
              options={(groups.data?.rows ?? []).map((g) => ({ value: g.id, label: g.name }))}
            />
          </Form.Item>
          <Form.Item name="minParticipants" label={t('minParticipants')}>
            <InputNumber precision={0} data-testid="campaign-min" />
          </Form.Item>
        </Space>
        <Space wrap>
          <Form.Item name="startsOn" label={t('startsOn')}>
            <DatePicker allowClear={false} />
          </Form.Item>
          <Form.Item name="endsOn" label={t('endsOn')}>
            <DatePicker allowClear={false} />
          </Form.Item>
          <Form.Item name="note" label={t('notes')}>
            <Input style={{ width: 300 }} />
          </Form.Item>
        </Space>
        <Typography.Text strong>{t('products')}</Typography.Text>
        <Form.List name="products">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f, i) => (
                <Space key={f.key} align="baseline" wrap style={{ display: 'flex' }}>
                  <Form.Item name={[f.name, 'productId']} style={{ marginBottom: 8 }}>
                    <ProductSelect
                      style={{ width: 280 }}
                      data-testid={`campaign-product-${i}`}
                      autoFocus={i > 0 && i === fields.length - 1}
                      onPick={(p) =>
                        p &&
                        form.setFieldValue(
                          ['products', f.name, 'groupPrice'],
                          money.format(p.groupPrice ?? p.retailPrice),
                        )
                      }
                    />
                  </Form.Item>
                  <Form.Item name={[f.name, 'groupPrice']} style={{ marginBottom: 8 }}>
                    <Input
                      prefix={money.symbol}
                      placeholder={t('groupPrice')}
                      style={{ width: 130 }}
                      data-testid={`campaign-price-${i}`}
                    />
                  </Form.Item>
                  <Form.Item name={[f.name, 'perBuyerLimit']} style={{ marginBottom: 8 }}>
                    <InputNumber
                      placeholder={t('perBuyerLimit')}
                      precision={0}
                      style={{ width: 120 }}
                    />
                  </Form.Item>
                  <Form.Item name={[f.name, 'stockCap']} style={{ marginBottom: 8 }}>
                    <InputNumber placeholder={t('stockCap')} precision={0} style={{ width: 120 }} />
                  </Form.Item>
                  {fields.length > 1 && <MinusCircleOutlined onClick={() => remove(f.name)} />}
                </Space>
              ))}
              <Button
                type="dashed"
                size="small"
                icon={<PlusOutlined />}
                onClick={() =>
                  add({ productId: null, groupPrice: '', perBuyerLimit: null, stockCap: null })
                }
              >
                {t('addProduct')}
              </Button>
            </>
          )}
        </Form.List>
        <button type="submit" style={{ display: 'none' }} aria-hidden tabIndex={-1} />
      </Form>
    </Modal>
  );
}

function JoinForm({ campaign, onClose }: { campaign: Campaign; onClose: () => void }) {
  const { t } = useTranslation('groups');
  const { t: tc } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const paid = Form.useWatch('paid', form) as boolean | undefined;

  const submit = async (v: {
    customerId: string | null;
    quantities: (number | null)[];
    paid: boolean;
    method: (typeof PAYMENT_METHODS)[number];
  }) => {
    try {
      await api('campaign.join', {
        campaignId: campaign.id,
        customerId: v.customerId ?? '',
        lines: campaign.products
          .map((p, i) => ({ productId: p.productId, quantity: v.quantities[i] ?? 0 }))
          .filter((l) => l.quantity !== 0),
        ...(v.paid ? { pay: { method: v.method } } : {}),
      });
      void message.success(tc('saved'));
      onClose();
    } catch (error) {
      const rest = showFieldErrors(form, error);
      void message.error(rest ? `${tc('nothingSaved')}: ${rest}` : tc('nothingSaved'));
    }
  };

  return (
    <Modal
      open
      title={t('join')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={tc('save')}
      cancelText={tc('cancel')}
      okButtonProps={{ 'data-testid': 'join-save' } as ButtonProps}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          customerId: null,
          quantities: campaign.products.map(() => 1),
          paid: false,
          method: 'wechat',
        }}
        onFinish={(v) => void submit(v)}
      >
        <Form.Item name="customerId" label={t('customer')}>
          <CustomerSelect autoFocus style={{ width: '100%' }} data-testid="join-customer" />
        </Form.Item>
        {campaign.products.map((p, i) => (
          <Form.Item
            key={p.productId}
            name={['quantities', i]}
            label={`${p.sku} ${p.name} · ${t('perBuyerLimit')} ${p.perBuyerLimit ?? '—'}`}
          >
            <InputNumber min={0} precision={0} data-testid={`join-qty-${i}`} />
          </Form.Item>
        ))}
        <Form.Item name="paid" valuePropName="checked">
          <Checkbox data-testid="join-paid">{t('joinPaid')}</Checkbox>
        </Form.Item>
        {paid && (
          <Form.Item name="method" label={t('paymentMethod')}>
            <Select options={PAYMENT_METHODS.map((m) => ({ value: m, label: m }))} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

function DecisionAlert({ decision }: { decision: Decision }) {
  const { t } = useTranslation('groups');
  const orderNo = new Map(decision.campaign.orders.map((o) => [o.id, o.orderNo]));
  const names = (ids: string[]) =>
    ids.length ? ids.map((id) => orderNo.get(id) ?? id).join(', ') : t('none');
  return (
    <Alert
      type={decision.outcome === 'succeeded' ? 'success' : 'warning'}
      showIcon
      style={{ marginBottom: 12 }}
      data-testid="campaign-decision"
      title={t('decisionTitle')}
      description={
        <>
          <div>
            {decision.outcome === 'succeeded'
              ? t('decisionSucceeded', { participants: decision.participants })
              : t('decisionFailed', {
                  participants: decision.participants,
                  cancelled: decision.cancelledOrderIds.length,
                  refunded: decision.refundedOrderIds.length,
                })}
          </div>
          {decision.outcome === 'failed' && (
            <>
              <div>
                {t('cancelledOrders')}: {names(decision.cancelledOrderIds)}
              </div>
              <div>
                {t('refundedOrders')}: {names(decision.refundedOrderIds)}
              </div>
            </>
          )}
        </>
      }
    />
  );
}

function CampaignDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation('groups');
  const { t: tc } = useTranslation();
  const { message } = App.useApp();
  const money = useWorkspaceMoney();
  const campaign = useApi('campaign.get', { id });
  const [joining, setJoining] = useState(false);
  const [decision, setDecision] = useState<Decision | null>(null);
  const c = campaign.data;

  const decide = async (outcome: 'succeeded' | 'failed') => {
    try {
      setDecision(await api('campaign.decide', { id, outcome }));
      campaign.reload();
    } catch (error) {
      void message.error(`${tc('nothingSaved')}: ${errorText(error)}`);
    }
  };

  const close = async () => {
    try {
      await api('campaign.close', { id });
      campaign.reload();
    } catch (error) {
      void message.error(`${tc('nothingSaved')}: ${errorText(error)}`);
    }
  };

  return (
    <Drawer
      open
      size={900}
      title={c ? c.name : t('campaign')}
      onClose={onClose}
      data-testid="campaign-drawer"
      extra={
        c && (
          <Space>
            {c.status === 'open' && (
              <>
                <Button type="primary" onClick={() => setJoining(true)} data-testid="campaign-join">
                  {t('join')}
                </Button>
                <Popconfirm
                  title={t('decideSucceededConfirm', { name: c.name })}
                  okText={tc('confirm')}
                  cancelText={tc('cancel')}
                  okButtonProps={{ 'data-testid': 'decide-ok' } as ButtonProps}
                  onConfirm={() => decide('succeeded')}
                >
                  <Button data-testid="campaign-succeed">{t('decideSucceeded')}</Button>
                </Popconfirm>
                <Popconfirm
                  title={t('decideFailedConfirm', { name: c.name })}
                  okText={tc('confirm')}
                  cancelText={tc('cancel')}
                  okButtonProps={{ danger: true, 'data-testid': 'decide-ok' } as ButtonProps}
                  onConfirm={() => decide('failed')}
                >
                  <Button danger data-testid="campaign-fail">
                    {t('decideFailed')}
                  </Button>
                </Popconfirm>
              </>
            )}
            {(c.status === 'succeeded' || c.status === 'failed') && (
              <Button onClick={() => void close()} data-testid="campaign-close">
                {t('close')}
              </Button>
            )}
          </Space>
        )
      }
    >
      {!c ? (
        <Spin />
      ) : (
        <>
          {decision && <DecisionAlert decision={decision} />}
          <Descriptions column={3} size="small" bordered style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('status')}>
              <Tag color={STATUS_COLOR[c.status]} data-testid="campaign-status">
                {t(`statuses.${c.status}`)}
              </Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('startsOn')}>{c.startsOn}</Descriptions.Item>
            <Descriptions.Item label={t('endsOn')}>{c.endsOn}</Descriptions.Item>
            <Descriptions.Item label={t('participantCount')}>
              <span data-testid="campaign-people">
                {t('people', { count: c.participantCount, min: c.minParticipants })}
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t('notes')} span={2}>
              {c.note ?? '—'}
            </Descriptions.Item>
          </Descriptions>
          <h4>{t('products')}</h4>
          <Table
            size="small"
            rowKey="productId"
            pagination={false}
            dataSource={c.products}
            columns={[
              { title: t('product'), render: (_, p) => `${p.sku} ${p.name}` },
              {
                title: t('groupPrice'),
                dataIndex: 'groupPrice',
                align: 'right',
                render: (v: number) => money.format(v),
              },
              {
                title: t('perBuyerLimit'),
                dataIndex: 'perBuyerLimit',
                align: 'right',
                render: (v: number | null) => v ?? '—',
              },
              {
                title: t('stockCap'),
                dataIndex: 'stockCap',
                align: 'right',
                render: (v: number | null) => v ?? '—',
              },
              { title: t('sold'), dataIndex: 'soldQuantity', align: 'right' },
              {
                title: t('remainingCap'),
                dataIndex: 'remainingCap',
                align: 'right',
                render: (v: number | null) => v ?? '—',
              },
            ]}
          />
          <h4 style={{ marginTop: 16 }}>{t('participants')}</h4>
          <Table
            size="small"
            rowKey="customerId"
            pagination={false}
            dataSource={c.participants}
            columns={[
              { title: t('customer'), dataIndex: 'customerName' },
              { title: t('orderCount'), dataIndex: 'orderCount', align: 'right' },
              { title: t('quantity'), dataIndex: 'quantity', align: 'right' },
            ]}
          />
          <h4 style={{ marginTop: 16 }}>{t('orders')}</h4>
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={c.orders}
            data-testid="campaign-orders"
            onRow={(o) => ({
              onClick: () => navigate('orders', o.id),
              style: { cursor: 'pointer' },
            })}
            columns={[
              { title: t('orderNo'), dataIndex: 'orderNo' },
              { title: t('customer'), dataIndex: 'customerName' },
              {
                title: t('orderStatus'),
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
                render: (v: number) => money.format(v),
              },
            ]}
          />
        </>
      )}
      {c && joining && (
        <JoinForm
          campaign={c}
          onClose={() => {
            setJoining(false);
            campaign.reload();
          }}
        />
      )}
    </Drawer>
  );
}

export function CampaignsTab({ openId }: { openId: string | undefined }) {
  const { t } = useTranslation('groups');
  const [status, setStatus] = useState<'open' | 'succeeded' | 'failed' | 'closed' | undefined>();
  const [creating, setCreating] = useState(false);
  const list = useApi('campaign.list', { status });
  return (
    <>
      <Space style={{ marginBottom: 12, width: '100%', justifyContent: 'space-between' }}>
        <Select
          allowClear
          style={{ width: 160 }}
          placeholder={t('status')}
          value={status}
          onChange={setStatus}
          options={(['open', 'succeeded', 'failed', 'closed'] as const).map((s) => ({
            value: s,
            label: t(`statuses.${s}`),
          }))}
        />
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => setCreating(true)}
          data-testid="campaign-new"
        >
          {t('newCampaign')}
        </Button>
      </Space>
      <Table
        size="small"
        rowKey="id"
        data-testid="campaigns-table"
        loading={list.loading && !list.data}
        dataSource={list.data?.rows ?? []}
        pagination={{ pageSize: 50, showSizeChanger: false }}
        onRow={(c) => ({
          onClick: () => navigate('groups', 'campaign', c.id),
          style: { cursor: 'pointer' },
        })}
        columns={[
          { title: t('name'), dataIndex: 'name' },
          {
            title: t('status'),
            dataIndex: 'status',
            render: (s: string) => <Tag color={STATUS_COLOR[s]}>{t(`statuses.${s}`)}</Tag>,
          },
          { title: t('startsOn'), dataIndex: 'startsOn' },
          { title: t('endsOn'), dataIndex: 'endsOn' },
          {
            title: t('participantCount'),
            render: (_, c) => t('people', { count: c.participantCount, min: c.minParticipants }),
          },
        ]}
      />
      <CampaignForm
        open={creating}
        onClose={(id) => {
          setCreating(false);
          if (id) navigate('groups', 'campaign', id);
        }}
      />
      {openId && (
        <CampaignDrawer key={openId} id={openId} onClose={() => navigate('groups', 'campaign')} />
      )}
    </>
  );
}
