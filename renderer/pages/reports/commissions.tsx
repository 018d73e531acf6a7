// The commissions tab: commissions accrued in the period by agent, by level and by status
// (commission.report), exported with commission.reportExport.
import { Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/hooks';
import { ExportButton } from '../../components/ExportButton';
import { LoadError } from '../../components/LoadError';
import { PeriodPicker, type Period } from '../../components/PeriodPicker';
import { useMoney } from '../../components/money';
import type { Output } from '../../api/client';

type Row = Output<'commission.report'>['rows'][number];
const KEYS = [
  'level0',
  'level1',
  'level2',
  'total',
  'pending',
  'payable',
  'inDraft',
  'settled',
] as const;

export function CommissionsTab({
  period,
  onChange,
}: {
  period: Period;
  onChange: (p: Period) => void;
}) {
  const { t } = useTranslation('reports');
  const tc = useTranslation().t;
  const money = useMoney();
  const report = useApi('commission.report', period);
  const data = report.data;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
        <PeriodPicker value={period} onChange={onChange} testId="commissions-period" />
        <ExportButton
          method="commission.reportExport"
          fileName={`commissions-${period.from}-${period.to}`}
          input={(file) => ({ ...period, file })}
          data-testid="export-commissions"
        />
      </Space>
      {report.error ? <LoadError error={report.error} onRetry={report.reload} /> : null}
      <Table<Row>
        size="small"
        rowKey="agentId"
        loading={report.loading}
        dataSource={data?.rows ?? []}
        scroll={{ x: 1200 }}
        showSorterTooltip={false}
        pagination={{ defaultPageSize: 50, hideOnSinglePage: true }}
        columns={[
          { title: t('agent'), dataIndex: 'agentName', fixed: 'left', width: 160 },
          ...KEYS.map((k) => ({
            title: k === 'total' ? tc('total') : t(k),
            dataIndex: k,
            align: 'right' as const,
            width: 120,
            sorter: (a: Row, b: Row) => a[k] - b[k],
            render: (v: number) => <span className="num">{money.text(v)}</span>,
          })),
        ]}
        summary={() =>
          data ? (
            <Table.Summary fixed>
              <Table.Summary.Row>
                <Table.Summary.Cell index={0}>
                  <Typography.Text strong>{tc('total')}</Typography.Text>
                </Table.Summary.Cell>
                {KEYS.map((k, i) => (
                  <Table.Summary.Cell key={k} index={i + 1} align="right">
                    <Typography.Text strong>{money.text(data.totals[k])}</Typography.Text>
                  </Table.Summary.Cell>
                ))}
              </Table.Summary.Row>
            </Table.Summary>
          ) : null
        }
      />
    </Space>
  );
}
