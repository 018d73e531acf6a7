// One customer (#/customers/ID): profile, orders, groups, addresses, marketing consent, and
// the PIPL rights (export a copy of their data, erase it after a confirmation).
import dayjs from 'dayjs';
import { useState } from 'react';
import {
  App,
  Button,
  Descriptions,
  Drawer,
  Empty,
  Form,
  Input,
  Modal,
  Popconfirm,
  Space,
  Spin,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
  type ButtonProps,
} from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';
import { navigate } from '../../app/router';
import { EnterSubmits, STATUS_COLOR, errorText, useFormCall } from '../../components/SalesKit';
import { useWorkspaceMoney } from '../../components/useWorkspaceMoney';
import { CustomerForm } from './CustomerForm';

function downloadJson(name: string, data: unknown) {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

export function CustomerDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation('customers');
  const { t: tc } = useTranslation();
  const { message, modal } = App.useApp();
  const money = useWorkspaceMoney();
  const customer = useApi('customer.get', { id });
  const orders = useApi('order.list', { customerId: id, limit: 100, offset: 0 });
  const [editing, setEditing] = useState(false);
  const [addingAddress, setAddingAddress] = useState(false);
  const [addressForm] = Form.useForm();
  const call = useFormCall();
  const c = customer.data;
  const gone = !!c && (c.erasedAt !== null || c.deletedAt !== null);

  const act = async (fn: () => Promise<unknown>, done?: string) => {
    try {
      await fn();
      if (done) void message.success(done);
      customer.reload();
    } catch (error) {
      void message.error(`${tc('nothingSaved')}: ${errorText(error)}`);
    }
  };

  const exportPersonal = () =>
    act(
      async () => {
        const data = await api('customer.exportPersonalData', { id });
        downloadJson(`customer-${id}.json`, data);
      },
      t('exportPersonalDone', { name: c?.name }),
    );

  const erase = () => {
    let reason = '';
    modal.confirm({
      title: t('eraseTitle', { name: c?.name }),
      content: (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Paragraph>{t('eraseBody')}</Typography.Paragraph>
          <Input
            placeholder={t('eraseReason')}
            onChange={(e) => (reason = e.target.value)}
            data-testid="erase-reason"
          />
        </Space>
      ),
      okText: t('eraseOk'),
      okButtonProps: { danger: true, 'data-testid': 'erase-ok' } as ButtonProps,
      cancelText: tc('cancel'),
      onOk: () => act(() => api('customer.erase', { id, reason: reason || null }), t('erased')),
    });
  };

  const addAddress = async (v: {
    recipient: string;
    phone: string;
    region: string;
    detail: string;
    label: string;
  }) => {
    const saved = await call(addressForm, () =>
      api('customer.addAddress', {
        customerId: id,
        recipient: v.recipient,
        phone: v.phone || null,
        region: v.region || null,
        detail: v.detail,
        label: v.label || null,
        isDefault: false,
      }),
    );
    if (!saved) return;
    setAddingAddress(false);
    customer.reload();
  };

  return (
    <Drawer
      open
      size={760}
      title={c ? c.name : t('detail')}
      onClose={onClose}
      data-testid="customer-drawer"
      extra={
        c && !gone ? (
          <Space>
            <Button onClick={() => setEditing(true)} data-testid="customer-edit">
              {tc('edit')}
            </Button>
            <Button onClick={() => void exportPersonal()} data-testid="customer-export-personal">
              {t('exportPersonal')}
            </Button>
            <Button danger onClick={erase} data-testid="customer-erase">
              {t('erase')}
            </Button>
          </Space>
        ) : null
      }
    >
      {!c ? (
        <Spin />
      ) : (
        <>
          {c.erasedAt && <Tag color="red">{t('erased')}</Tag>}
          {c.deletedAt && <Tag color="orange">{t('deleted')}</Tag>}
          <Tabs
            items={[
              {
                key: 'profile',
                label: t('profile'),
                children: (
                  <>
                    <Descriptions column={2} size="small" bordered>
                      <Descriptions.Item label={t('name')}>{c.name}</Descriptions.Item>
                      <Descriptions.Item label={t('phone')}>{c.phone ?? '—'}</Descriptions.Item>
                      <Descriptions.Item label={t('wechatId')}>
                        {c.wechatId ?? '—'}
                      </Descriptions.Item>
                      <Descriptions.Item label={t('source')}>{c.source ?? '—'}</Descriptions.Item>
                      <Descriptions.Item label={t('tags')} span={2}>
                        {c.tags.length ? c.tags.map((x) => <Tag key={x}>{x}</Tag>) : '—'}
                      </Descriptions.Item>
                      <Descriptions.Item label={t('consent')}>
                        <Switch
                          checked={c.marketingConsent}
                          disabled={gone}
                          data-testid="customer-consent"
                          checkedChildren={t('consentYes')}
                          unCheckedChildren={t('consentNo')}
                          onChange={(v) =>
                            void act(() => api('customer.setConsent', { id, consent: v }))
                          }
                        />
                      </Descriptions.Item>
                      <Descriptions.Item label={t('consentAt')}>
                        {c.consentAt?.slice(0, 16).replace('T', ' ') ?? '—'}
                      </Descriptions.Item>
                      <Descriptions.Item label={t('paidCount')}>
                        {c.orders.paidCount}
                      </Descriptions.Item>
                      <Descriptions.Item label={t('netSpent')}>
                        {money.withSymbol(c.orders.netSpent)}
                      </Descriptions.Item>
                      <Descriptions.Item label={t('lastPaidOn')}>
                        {c.orders.lastPaidOn ?? '—'}
                      </Descriptions.Item>
                      <Descriptions.Item label={t('createdAt')}>
                        {dayjs(c.createdAt).format('YYYY-MM-DD')}
                      </Descriptions.Item>
                      <Descriptions.Item label={t('notes')} span={2}>
                        {c.notes ?? '—'}
                      </Descriptions.Item>
                    </Descriptions>
                    {!gone && (
                      <Popconfirm
                        title={t('deleteConfirm', { name: c.name })}
                        okText={tc('confirm')}
                        cancelText={tc('cancel')}
                        onConfirm={() =>
                          act(() => api('customer.delete', { id }), t('deleted')).then(onClose)
                        }
                      >
                        <Button danger type="link" style={{ marginTop: 12, padding: 0 }}>
                          {t('deleteCustomer')}
                        </Button>
                      </Popconfirm>
                    )}
                  </>
                ),
              },
              {
                key: 'orders',
                label: `${t('orders')} (${orders.data?.total ?? 0})`,
                children: (
                  <Table
                    size="small"
                    rowKey="id"
                    loading={orders.loading && !orders.data}
                    dataSource={orders.data?.rows ?? []}
                    pagination={false}
                    locale={{ emptyText: t('noOrders') }}
                    onRow={(o) => ({
                      onClick: () => navigate('orders', o.id),
                      style: { cursor: 'pointer' },
                    })}
                    columns={[
                      { title: t('orderNo'), dataIndex: 'orderNo' },
                      { title: t('orderedOn'), dataIndex: 'orderedOn' },
                      {
                        title: t('status'),
                        dataIndex: 'status',
                        render: (s: string) => (
                          <Tag color={STATUS_COLOR[s]}>{t(`statuses.${s}`)}</Tag>
                        ),
                      },
                      {
                        title: t('totalDue'),
                        dataIndex: 'totalDue',
                        align: 'right',
                        render: (v: number) => money.format(v),
                      },
                    ]}
                  />
                ),
              },
              {
                key: 'groups',
                label: `${t('groups')} (${c.groups.length})`,
                children: (
                  <Table
                    size="small"
                    rowKey="groupId"
                    dataSource={c.groups}
                    pagination={false}
                    locale={{ emptyText: t('noGroups') }}
                    onRow={(g) => ({
                      onClick: () => navigate('groups', g.groupId),
                      style: { cursor: 'pointer' },
                    })}
                    columns={[
                      { title: t('groupName'), dataIndex: 'name' },
                      {
                        title: t('platform'),
                        dataIndex: 'platform',
                        render: (p: string) => t(`platforms.${p}`),
                      },
                      { title: t('joinedOn'), dataIndex: 'joinedOn' },
                    ]}
                  />
                ),
              },
              {
                key: 'addresses',
                label: `${t('addresses')} (${c.addresses.length})`,
                children: (
                  <>
                    {c.addresses.length === 0 && <Empty description={t('noAddresses')} />}
                    {c.addresses.map((a) => (
                      <div
                        key={a.id}
                        style={{ borderBottom: '1px solid #f0f0f0', padding: '8px 0' }}
                      >
                        <Space wrap>
                          {a.isDefault && <Tag color="blue">{t('isDefault')}</Tag>}
                          {a.label && <Tag>{a.label}</Tag>}
                          <b>{a.recipient}</b>
                          <span>{a.phone}</span>
                          <span>
                            {a.region} {a.detail}
                          </span>
                          {!gone && !a.isDefault && (
                            <Button
                              size="small"
                              type="link"
                              onClick={() =>
                                void act(() =>
                                  api('customer.updateAddress', { id: a.id, isDefault: true }),
                                )
                              }
                            >
                              {t('makeDefault')}
                            </Button>
                          )}
                          {!gone && (
                            <Button
                              size="small"
                              type="link"
                              danger
                              onClick={() =>
                                void act(() => api('customer.removeAddress', { id: a.id }))
                              }
                            >
                              {t('removeAddress')}
                            </Button>
                          )}
                        </Space>
                      </div>
                    ))}
                    {!gone && (
                      <Button
                        style={{ marginTop: 12 }}
                        onClick={() => {
                          addressForm.resetFields();
                          setAddingAddress(true);
                        }}
                      >
                        {t('addAddress')}
                      </Button>
                    )}
                  </>
                ),
              },
            ]}
          />
        </>
      )}
      <CustomerForm
        open={editing}
        customer={c ?? null}
        onClose={() => setEditing(false)}
        onSaved={() => {
          setEditing(false);
          customer.reload();
        }}
      />
      <Modal
        open={addingAddress}
        title={t('addAddress')}
        onCancel={() => setAddingAddress(false)}
        onOk={() => addressForm.submit()}
        okText={tc('save')}
        cancelText={tc('cancel')}
        destroyOnHidden
      >
        <Form
          form={addressForm}
          layout="vertical"
          initialValues={{ recipient: c?.name ?? '', phone: '', region: '', detail: '', label: '' }}
          onFinish={(v) => void addAddress(v)}
        >
          <Form.Item name="recipient" label={t('recipient')} required>
            <Input autoFocus />
          </Form.Item>
          <Form.Item name="phone" label={t('phone')}>
            <Input />
          </Form.Item>
          <Form.Item name="region" label={t('region')}>
            <Input />
          </Form.Item>
          <Form.Item name="detail" label={t('addressDetail')} required>
            <Input />
          </Form.Item>
          <Form.Item name="label" label={t('label')}>
            <Input />
          </Form.Item>
          <EnterSubmits />
        </Form>
      </Modal>
    </Drawer>
  );
}
