// Tiers (总代 / 一级 / 二级): how many agents each holds, the rates each earns under the plan in
// force (a tier override, else the plan's rate), and changing an agent's tier.
import { useState } from 'react';
import { App, Button, Card, Form, Select, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { showFieldErrors, useAction, useApi } from '../../api/hooks';
import { AgentSelect } from '../../components/AgentSelect';
import { formatRate } from '../../components/useWorkspaceMoney';
import { TIERS, tierOptions } from './dialogs';

function TierCount({ tier }: { tier: (typeof TIERS)[number] }) {
  const list = useApi('agent.list', { tier, limit: 1, offset: 0 });
  return <span data-testid={`tier-count-${tier}`}>{list.data?.total ?? '…'}</span>;
}

export function TiersPanel() {
  const { t } = useTranslation('agents');
  const { t: tc } = useTranslation();
  const { message } = App.useApp();
  const plan = useApi('plan.inForce', {});
  const [form] = Form.useForm();
  const { busy, run } = useAction();
  const [agentId, setAgentId] = useState<string | null>(null);

  const rate = (tier: string, level: number) => {
    const p = plan.data;
    if (!p) return '—';
    const o = p.overrides.find((x) => x.scope === 'tier' && x.key === tier && x.level === level);
    return o ? `${formatRate(o.rateBp)} *` : formatRate(p.rates[level as 0 | 1 | 2]);
  };

  const submit = async () => {
    const v = form.getFieldsValue(true) as { id?: string; tier?: (typeof TIERS)[number] };
    try {
      await run(() => api('agent.update', { id: v.id ?? '', tier: v.tier }));
      void message.success(tc('saved'));
    } catch (e) {
      const rest = showFieldErrors(form, e);
      if (rest) void message.error(`${tc('nothingSaved')}: ${rest}`);
    }
  };

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Card size="small" title={t('tab.tiers')}>
        <Table
          size="small"
          rowKey="tier"
          pagination={false}
          dataSource={TIERS.map((tier) => ({ tier }))}
          columns={[
            { title: t('field.tier'), dataIndex: 'tier', render: (v: string) => t(`tier.${v}`) },
            {
              title: t('agentsCol'),
              key: 'n',
              align: 'right',
              render: (_: unknown, r) => <TierCount tier={r.tier} />,
            },
            ...[0, 1, 2].map((level) => ({
              title: t(`levelName.${level}`),
              key: `l${level}`,
              align: 'right' as const,
              render: (_: unknown, r: { tier: string }) => rate(r.tier, level),
            })),
          ]}
        />
        <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
          {plan.data ? t('tierRatesHint', { plan: plan.data.name }) : t('noPlanInForce')}
        </Typography.Paragraph>
      </Card>
      <Card size="small" title={t('changeTier')}>
        <Form
          form={form}
          layout="inline"
          initialValues={{ id: null, tier: undefined }}
          onFinish={() => void submit()}
        >
          <Form.Item name="id" label={t('agent')}>
            <AgentSelect
              value={agentId}
              onChange={(id) => {
                setAgentId(id);
                form.setFieldValue('id', id);
                if (id) {
                  void api('agent.get', { id }).then((a) => form.setFieldValue('tier', a.tier));
                }
              }}
            />
          </Form.Item>
          <Form.Item name="tier" label={t('field.tier')}>
            <Select options={tierOptions(t)} style={{ width: 140 }} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy}>
            {tc('save')}
          </Button>
        </Form>
      </Card>
    </Space>
  );
}
