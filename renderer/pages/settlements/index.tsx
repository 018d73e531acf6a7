// Settlements: who has payable commission, generate a statement per agent per period (payable
// entries and carried clawbacks), review every entry behind the total, mark it paid, export it.
import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Form,
  Input,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import type { PageProps } from '../registry';
import { navigate } from '../../app/router';
import { api, type Output } from '../../api/client';
import { showFieldErrors, useAction, useApi } from '../../api/hooks';
import { AgentSelect } from '../../components/AgentSelect';
import { dayText, useWorkspaceMoney } from '../../components/useWorkspaceMoney';
import { SettlementDetail } from './detail';

export default function SettlementsPage({ params }: PageProps) {
  const id = params[0];
  if (id) return <SettlementDetail id={id} key={id} />;
  return <SettlementsHome />;
}

function SettlementsHome() {
  const { t } = useTranslation('settlements');
  const [agentId, setAgentId] = useState<string | null>(null);
  return (
    <div data-testid="settlements-page">
      <Typography.Title level={3}>{t('title')}</Typography.Title>
      <Row gutter={16}>
        <Col xs={24} lg={10}>
          <GenerateForm agentId={agentId} onAgent={setAgentId} />
        </Col>
        <Col xs={24} lg={14}>
          <Payable onPick={setAgentId} />
        </Col>
      </Row>
      <SettlementList />
    </div>
  );
}

function GenerateForm({
  agentId,
  onAgent,
}: {
  agentId: string | null;
  onAgent: (id: string | null) => void;
}) {
  const { t } = useTranslation('settlements');
  const { t: tc } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const { busy, run } = useAction();
  const [refused, setRefused] = useState<string | null>(null);

  const submit = async () => {
    setRefused(null);
    const v = form.getFieldsValue(true) as {
      periodFrom: dayjs.Dayjs | null;
      periodTo: dayjs.Dayjs | null;
      note: string;
    };
    try {
      const s = await run(() =>
        api('settlement.generate', {
          agentId: agentId ?? '',
          periodFrom: dayText(v.periodFrom),
          periodTo: dayText(v.periodTo) ?? '',
          note: v.note || null,
        }),
      );
      void message.success(t('generated', { name: s.agentName, count: s.entryCount }));
      navigate('settlements', s.id);
    } catch (e) {
      const rest = showFieldErrors(form, e);
      if (rest) setRefused(rest);
    }
  };

  return (
    <Card size="small" title={t('generate')} style={{ marginBottom: 12 }} data-testid="generate">
      <Form
        form={form}
        layout="vertical"
        initialValues={{ agentId: null, periodFrom: null, periodTo: dayjs(), note: '' }}
        onFinish={() => void submit()}
      >
        <Form.Item name="agentId" label={t('agent')}>
          <AgentSelect
            value={agentId}
            onChange={(id) => {
              onAgent(id);
              form.setFieldValue('agentId', id);
              form.setFields([{ name: 'agentId', errors: [] }]);
            }}
            data-testid="generate-agent"
          />
        </Form.Item>
        <Space wrap>
          <Form.Item name="periodFrom" label={t('periodFrom')} extra={t('periodFromHint')}>
            <DatePicker />
          </Form.Item>
          <Form.Item name="periodTo" label={t('periodTo')}>
            <DatePicker allowClear={false} />
          </Form.Item>
        </Space>
        <Form.Item name="note" label={t('note')}>
          <Input />
        </Form.Item>
        <Typography.Paragraph type="secondary">{t('generateHint')}</Typography.Paragraph>
        {refused && (
          <Alert
            type="warning"
            showIcon
            title={tc('nothingSaved')}
            description={refused}
            style={{ marginBottom: 12 }}
            data-testid="generate-refused"
          />
        )}
        <Button type="primary" htmlType="submit" loading={busy} data-testid="generate-save">
          {t('generateButton')}
        </Button>
      </Form>
    </Card>
  );
}

type ReportRow = Output<'commission.report'>['rows'][number];

/** Agents with payable commission now (all accruals to date), biggest first. */
function Payable({ onPick }: { onPick: (id: string) => void }) {
  const { t } = useTranslation('settlements');
  const money = useWorkspaceMoney();
  const today = dayjs().format('YYYY-MM-DD');
  const report = useApi('commission.report', { from: '2000-01-01', to: today });
  const rows = (report.data?.rows ?? [])
    .filter((r) => r.payable !== 0 || r.inDraft !== 0)
    .sort((a, b) => b.payable - a.payable);
  return (
    <Card size="small" title={t('payableByAgent')} style={{ marginBottom: 12 }}>
      <Table<ReportRow>
        size="small"
        rowKey="agentId"
        loading={report.loading}
        dataSource={rows}
        pagination={{ pageSize: 8 }}
        data-testid="payable"
        columns={[
          { title: t('agent'), dataIndex: 'agentName' },
          {
            title: t('payable', { symbol: money.symbol }),
            dataIndex: 'payable',
            align: 'right',
            render: money.format,
          },
          {
            title: t('inDraft', { symbol: money.symbol }),
            dataIndex: 'inDraft',
            align: 'right',
            render: money.format,
          },
          {
            title: t('pending', { symbol: money.symbol }),
            dataIndex: 'pending',
            align: 'right',
            render: money.format,
          },
          {
            key: 'go',
            render: (_: unknown, r) =>
              r.payable !== 0 ? (
                <Button size="small" onClick={() => onPick(r.agentId)}>
                  {t('pick')}
                </Button>
              ) : null,
          },
        ]}
      />
    </Card>
  );
}

type SettlementRow = Output<'settlement.list'>[number];

function SettlementList() {
  const { t } = useTranslation('settlements');
  const money = useWorkspaceMoney();
  const [agentId, setAgentId] = useState<string | null>(null);
  const [status, setStatus] = useState<'draft' | 'paid' | undefined>(undefined);
  const list = useApi('settlement.list', { agentId: agentId ?? undefined, status });
  const rows = [...(list.data ?? [])].reverse();
  return (
    <Card
      size="small"
      title={t('statements')}
      extra={
        <Space>
          <AgentSelect value={agentId} onChange={setAgentId} placeholder={t('allAgents')} />
          <Select
            allowClear
            style={{ width: 120 }}
            placeholder={t('allStatuses')}
            value={status}
            onChange={setStatus}
            options={[
              { value: 'draft', label: t('status.draft') },
              { value: 'paid', label: t('status.paid') },
            ]}
          />
        </Space>
      }
    >
      <Table<SettlementRow>
        size="small"
        rowKey="id"
        loading={list.loading}
        dataSource={rows}
        pagination={{ pageSize: 20 }}
        data-testid="settlement-list"
        onRow={(r) => ({
          onClick: () => navigate('settlements', r.id),
          style: { cursor: 'pointer' },
        })}
        columns={[
          { title: t('agent'), dataIndex: 'agentName' },
          {
            title: t('period'),
            key: 'period',
            render: (_: unknown, r) => `${r.periodFrom} – ${r.periodTo}`,
          },
          { title: t('entries'), dataIndex: 'entryCount', align: 'right' },
          {
            title: t('total', { symbol: money.symbol }),
            dataIndex: 'total',
            align: 'right',
            render: money.format,
          },
          {
            title: t('statusCol'),
            dataIndex: 'status',
            render: (s: 'draft' | 'paid') => (
              <Tag color={s === 'paid' ? 'green' : 'blue'}>{t(`status.${s}`)}</Tag>
            ),
          },
          { title: t('paidOn'), dataIndex: 'paidOn', render: (d: string | null) => d ?? '—' },
          { title: t('method'), dataIndex: 'method', render: (d: string | null) => d ?? '—' },
        ]}
      />
    </Card>
  );
}
