// Customer groups (WeChat, QQ, ...) and who is in them: the list, a group's members
// (#/groups/ID), adding customers and recording that one left.
import { useState } from 'react';
import {
  App,
  Button,
  Drawer,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Spin,
  Table,
  Tag,
  type ButtonProps,
} from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';
import { navigate } from '../../app/router';
import { CustomerSelect, EnterSubmits, errorText, useFormCall } from '../../components/SalesKit';

export const PLATFORMS = ['wechat', 'qq', 'xiaohongshu', 'douyin', 'offline', 'other'] as const;
type Platform = (typeof PLATFORMS)[number];
const PLATFORM_COLOR: Record<Platform, string> = {
  wechat: 'green',
  qq: 'blue',
  xiaohongshu: 'red',
  douyin: 'purple',
  offline: 'orange',
  other: 'default',
};

function GroupForm({ open, onClose }: { open: boolean; onClose: (id?: string) => void }) {
  const { t } = useTranslation('groups');
  const { t: tc } = useTranslation();
  const [form] = Form.useForm();
  const call = useFormCall();
  const submit = async (v: { platform: Platform; name: string; notes: string }) => {
    const g = await call(form, () =>
      api('group.create', { platform: v.platform, name: v.name, notes: v.notes || null }),
    );
    if (g) onClose(g.id);
  };
  return (
    <Modal
      open={open}
      title={t('newGroup')}
      onCancel={() => onClose()}
      onOk={() => form.submit()}
      okText={tc('save')}
      cancelText={tc('cancel')}
      okButtonProps={{ 'data-testid': 'group-save' } as ButtonProps}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ platform: 'wechat', name: '', notes: '' }}
        onFinish={(v) => void submit(v)}
      >
        <Form.Item name="name" label={t('name')} required>
          <Input autoFocus data-testid="group-name" />
        </Form.Item>
        <Form.Item name="platform" label={t('platform')}>
          <Select options={PLATFORMS.map((p) => ({ value: p, label: t(`platforms.${p}`) }))} />
        </Form.Item>
        <Form.Item name="notes" label={t('notes')}>
          <Input />
        </Form.Item>
        <EnterSubmits />
      </Form>
    </Modal>
  );
}

function GroupDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation('groups');
  const { t: tc } = useTranslation();
  const { message } = App.useApp();
  const group = useApi('group.get', { id });
  const [picked, setPicked] = useState<string | null>(null);
  const g = group.data;

  const act = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      group.reload();
    } catch (error) {
      void message.error(`${tc('nothingSaved')}: ${errorText(error)}`);
    }
  };

  return (
    <Drawer
      open
      size={720}
      title={g ? g.name : t('groups')}
      onClose={onClose}
      data-testid="group-drawer"
      extra={
        g && (
          <Popconfirm
            title={t('deleteConfirm', { name: g.name })}
            okText={tc('confirm')}
            cancelText={tc('cancel')}
            onConfirm={() => act(() => api('group.delete', { id })).then(onClose)}
          >
            <Button danger>{t('deleteGroup')}</Button>
          </Popconfirm>
        )
      }
    >
      {!g ? (
        <Spin />
      ) : (
        <>
          <Space style={{ marginBottom: 12 }}>
            <Tag color={PLATFORM_COLOR[g.platform]}>{t(`platforms.${g.platform}`)}</Tag>
            <span>
              {t('memberCount')}: {g.activeMemberCount}
            </span>
            {g.notes && <span>{g.notes}</span>}
          </Space>
          <Space style={{ marginBottom: 12, display: 'flex' }}>
            <CustomerSelect
              value={picked}
              onChange={(v) => setPicked(v)}
              style={{ width: 300 }}
              placeholder={t('pickCustomers')}
              data-testid="group-add-customer"
            />
            <Button
              type="primary"
              icon={<PlusOutlined />}
              disabled={!picked}
              data-testid="group-add-member"
              onClick={() =>
                void act(async () => {
                  await api('group.addMembers', { groupId: id, customerIds: [picked!] });
                  setPicked(null);
                })
              }
            >
              {t('addMembers')}
            </Button>
          </Space>
          <Table
            size="small"
            rowKey="id"
            dataSource={g.members}
            data-testid="group-members"
            pagination={{ pageSize: 50, showSizeChanger: false }}
            locale={{ emptyText: t('noMembers') }}
            columns={[
              {
                title: t('name'),
                dataIndex: 'name',
                render: (n: string, m) => <a onClick={() => navigate('customers', m.id)}>{n}</a>,
              },
              { title: t('phone'), dataIndex: 'phone' },
              { title: t('joinedOn'), dataIndex: 'joinedOn' },
              {
                title: '',
                render: (_, m) => (
                  <Popconfirm
                    title={t('removeConfirm', { name: m.name })}
                    okText={tc('confirm')}
                    cancelText={tc('cancel')}
                    onConfirm={() =>
                      act(() => api('group.removeMember', { groupId: id, customerId: m.id }))
                    }
                  >
                    <Button size="small" type="link" danger>
                      {t('removeMember')}
                    </Button>
                  </Popconfirm>
                ),
              },
            ]}
          />
        </>
      )}
    </Drawer>
  );
}

export function GroupsTab({ openId }: { openId: string | undefined }) {
  const { t } = useTranslation('groups');
  const [platform, setPlatform] = useState<Platform | undefined>();
  const [query, setQuery] = useState('');
  const [creating, setCreating] = useState(false);
  const list = useApi('group.list', { platform, query: query || undefined, limit: 500, offset: 0 });
  return (
    <>
      <Space style={{ marginBottom: 12, width: '100%', justifyContent: 'space-between' }}>
        <Space>
          <Select
            allowClear
            style={{ width: 140 }}
            placeholder={t('platform')}
            value={platform}
            onChange={(v: Platform | undefined) => setPlatform(v)}
            options={PLATFORMS.map((p) => ({ value: p, label: t(`platforms.${p}`) }))}
          />
          <Input.Search
            allowClear
            placeholder={t('name')}
            onSearch={setQuery}
            style={{ width: 220 }}
          />
          <span>{list.data ? t('count', { count: list.data.total }) : ''}</span>
        </Space>
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => setCreating(true)}
          data-testid="group-new"
        >
          {t('newGroup')}
        </Button>
      </Space>
      <Table
        size="small"
        rowKey="id"
        data-testid="groups-table"
        loading={list.loading && !list.data}
        dataSource={list.data?.rows ?? []}
        pagination={{ pageSize: 50, showSizeChanger: false }}
        onRow={(g) => ({ onClick: () => navigate('groups', g.id), style: { cursor: 'pointer' } })}
        columns={[
          {
            title: t('platform'),
            dataIndex: 'platform',
            width: 120,
            render: (p: Platform) => <Tag color={PLATFORM_COLOR[p]}>{t(`platforms.${p}`)}</Tag>,
          },
          { title: t('name'), dataIndex: 'name' },
          { title: t('memberCount'), dataIndex: 'activeMemberCount', align: 'right', width: 120 },
          { title: t('notes'), dataIndex: 'notes', ellipsis: true },
        ]}
      />
      <GroupForm
        open={creating}
        onClose={(id) => {
          setCreating(false);
          if (id) navigate('groups', id);
        }}
      />
      {openId && <GroupDrawer key={openId} id={openId} onClose={() => navigate('groups')} />}
    </>
  );
}
