// One statement (#/settlements/ID): every entry behind the total, mark paid (method,
// reference, day, who paid), discard a draft, export as CSV (UTF-8 with BOM) or XLSX.
import { useState } from 'react';
import {
  App,
  AutoComplete,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Form,
  Input,
  Modal,
  Popconfirm,
  Result,
  Space,
  Spin,
  Table,
  Tag,
  Typography,
  type ButtonProps,
} from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { navigate } from '../../app/router';
import { api, type Output } from '../../api/client';
import { showFieldErrors, useAction, useApi } from '../../api/hooks';
import { ExportButton } from '../../components/ExportButton';
import { dayText, formatRate, useWorkspaceMoney } from '../../components/useWorkspaceMoney';

type Line = Output<'settlement.get'>['entries'][number];

export function SettlementDetail({ id }: { id: string }) {
  const { t } = useTranslation('settlements');
  const { t: ta } = useTranslation('agents');
  const { t: tc } = useTranslation();
  const { message } = App.useApp();
  const money = useWorkspaceMoney();
  const s = useApi('settlement.get', { id });
  const [paying, setPaying] = useState(false);
  const { busy, run } = useAction();

  if (s.error) {
    return (
      <Result
        status="404"
        title={t('notFound')}
        subTitle={s.error.message}
        extra={<Button onClick={() => navigate('settlements')}>{t('back')}</Button>}
      />
    );
  }
  const st = s.data;
  if (!st) return <Spin />;
  const accrued = st.entries.filter((e) => e.amount >= 0).reduce((a, e) => a + e.amount, 0);
  const clawedBack = st.entries.filter((e) => e.amount < 0).reduce((a, e) => a + e.amount, 0);

  const discard = async () => {
    try {
      await run(() => api('settlement.discard', { id }));
      void message.success(t('discarded'));
      navigate('settlements');
    } catch (e) {
      void message.error(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <div data-testid="settlement-detail">
      <Button icon={<ArrowLeftOutlined />} onClick={() => navigate('settlements')}>
        {t('back')}
      </Button>
      <Typography.Title level={3}>
        {t('statementOf', { name: st.agentName })}{' '}
        <Tag color={st.status === 'paid' ? 'green' : 'blue'} data-testid="settlement-status">
          {t(`status.${st.status}`)}
        </Tag>
      </Typography.Title>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Descriptions
          size="small"
          column={{ xs: 1, md: 3 }}
          items={[
            {
              key: 'agent',
              label: t('agent'),
              children: <a onClick={() => navigate('agents', st.agentId)}>{st.agentName}</a>,
            },
            { key: 'period', label: t('period'), children: `${st.periodFrom} – ${st.periodTo}` },
            { key: 'entries', label: t('entries'), children: st.entryCount },
            {
              key: 'accrued',
              label: t('accruedPart', { symbol: money.symbol }),
              children: money.format(accrued),
            },
            {
              key: 'claw',
              label: t('clawbackPart', { symbol: money.symbol }),
              children: (
                <Typography.Text
                  type={clawedBack < 0 ? 'danger' : undefined}
                  data-testid="clawback-total"
                >
                  {money.format(clawedBack)}
                </Typography.Text>
              ),
            },
            {
              key: 'total',
              label: t('total', { symbol: money.symbol }),
              children: (
                <Typography.Text strong data-testid="settlement-total">
                  {money.format(st.total)}
                </Typography.Text>
              ),
            },
            ...(st.status === 'paid'
              ? [
                  { key: 'paidOn', label: t('paidOn'), children: st.paidOn ?? '—' },
                  { key: 'method', label: t('method'), children: st.method ?? '—' },
                  { key: 'ref', label: t('reference'), children: st.reference ?? '—' },
                  { key: 'by', label: t('paidBy'), children: st.paidBy ?? '—' },
                ]
              : []),
            { key: 'note', label: t('note'), children: st.note ?? '—' },
            {
              key: 'created',
              label: t('createdAt'),
              children: st.createdAt.slice(0, 16).replace('T', ' '),
            },
          ]}
        />
        <Space style={{ marginTop: 12 }} wrap>
          {st.status === 'draft' && (
            <>
              <Button type="primary" onClick={() => setPaying(true)} data-testid="mark-paid">
                {t('markPaid')}
              </Button>
              <Popconfirm
                title={t('discardConfirm')}
                okText={t('discard')}
                cancelText={tc('cancel')}
                onConfirm={() => void discard()}
              >
                <Button danger loading={busy}>
                  {t('discard')}
                </Button>
              </Popconfirm>
            </>
          )}
          <ExportButton
            method="settlement.export"
            fileName={`statement-${st.agentName}-${st.periodTo}`}
            input={(file) => ({ id, file })}
            label={t('export')}
            data-testid="export-statement"
          />
        </Space>
        {st.status === 'draft' && (
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
            {t('draftHint')}
          </Typography.Paragraph>
        )}
      </Card>
      <Card size="small" title={t('everyEntry')}>
        <Table<Line>
          size="small"
          rowKey="entryId"
          data-testid="statement-entries"
          dataSource={st.entries}
          pagination={st.entries.length > 100 ? { pageSize: 100 } : false}
          rowClassName={(e) => (e.amount < 0 ? 'row-clawback' : '')}
          columns={[
            { title: t('accruedOn'), dataIndex: 'accruedOn' },
            {
              title: t('order'),
              dataIndex: 'orderNo',
              render: (no: string, e) => (
                <a onClick={() => navigate('orders', e.orderId)}>
                  {no} #{e.lineNo}
                </a>
              ),
            },
            {
              title: t('product'),
              key: 'p',
              render: (_: unknown, e) => `${e.sku} ${e.productName}`,
            },
            { title: ta('level'), dataIndex: 'level', render: (l: number) => ta(`levelName.${l}`) },
            {
              title: t('kind'),
              dataIndex: 'kind',
              render: (k: string) =>
                k === 'reversal' ? (
                  <Tag color="red" data-testid="clawback-tag">
                    {t('clawback')}
                  </Tag>
                ) : (
                  t('accrual')
                ),
            },
            { title: t('base'), dataIndex: 'baseAmount', align: 'right', render: money.format },
            { title: t('rate'), dataIndex: 'rateBp', align: 'right', render: formatRate },
            {
              title: t('amount', { symbol: money.symbol }),
              dataIndex: 'amount',
              align: 'right',
              render: (n: number) => (
                <Typography.Text type={n < 0 ? 'danger' : undefined}>
                  {money.format(n)}
                </Typography.Text>
              ),
            },
          ]}
          summary={() => (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0} colSpan={7}>
                <strong>{tc('total')}</strong>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={7} align="right">
                <strong>{money.format(st.entries.reduce((a, e) => a + e.amount, 0))}</strong>
              </Table.Summary.Cell>
            </Table.Summary.Row>
          )}
        />
      </Card>
      <MarkPaidDialog id={paying ? id : null} onClose={() => setPaying(false)} />
    </div>
  );
}

const METHODS = ['微信转账', '支付宝', '银行转账', '现金'];

function MarkPaidDialog({ id, onClose }: { id: string | null; onClose: () => void }) {
  const { t } = useTranslation('settlements');
  const { t: tc } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const { busy, run } = useAction();

  const submit = async () => {
    if (!id) return;
    const v = form.getFieldsValue(true) as {
      method: string;
      reference: string;
      paidOn: dayjs.Dayjs | null;
      paidBy: string;
    };
    try {
      await run(() =>
        api('settlement.markPaid', {
          id,
          method: v.method ?? '',
          reference: v.reference || null,
          paidOn: dayText(v.paidOn),
          paidBy: v.paidBy || undefined,
        }),
      );
      void message.success(t('paidDone'));
      onClose();
    } catch (e) {
      const rest = showFieldErrors(form, e);
      if (rest) void message.error(`${tc('nothingSaved')}: ${rest}`);
    }
  };

  return (
    <Modal
      open={id !== null}
      title={t('markPaid')}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('markPaidOk')}
      cancelText={tc('cancel')}
      confirmLoading={busy}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'paid-save' } as ButtonProps}
    >
      <Typography.Paragraph type="secondary">{t('paidFinal')}</Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ method: '', reference: '', paidOn: dayjs(), paidBy: '' }}
        onFinish={() => void submit()}
      >
        <Form.Item name="method" label={t('method')}>
          <AutoComplete
            options={METHODS.map((m) => ({ value: m }))}
            data-testid="paid-method"
            placeholder={t('methodHint')}
          />
        </Form.Item>
        <Form.Item name="reference" label={t('reference')}>
          <Input data-testid="paid-reference" />
        </Form.Item>
        <Form.Item name="paidOn" label={t('paidOn')}>
          <DatePicker allowClear={false} />
        </Form.Item>
        <Form.Item name="paidBy" label={t('paidBy')}>
          <Input />
        </Form.Item>
        {/* Enter in any field saves, as the OK button does. */}
        <button type="submit" hidden aria-hidden tabIndex={-1} />
      </Form>
    </Modal>
  );
}
