// The P&L tab: a period, a breakdown, every row with its figures and the totals; export to
// CSV/XLSX through report.export (the same figures as figures.pnl and `qundesk report pnl`),
// and a printable view for PDF.
import { useMemo } from 'react';
import { Button, Select, Space, Table, Typography } from 'antd';
import { PrinterOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { useApi } from '../../api/hooks';
import { hrefOf } from '../../app/router';
import { ExportButton } from '../../components/ExportButton';
import { LoadError } from '../../components/LoadError';
import { PeriodPicker, type Period } from '../../components/PeriodPicker';
import { useMoney } from '../../components/money';
import { feeLabel, rowLabel } from '../../components/labels';
import type { Output } from '../../api/client';

export const BREAKDOWNS = [
  'month',
  'week',
  'day',
  'product',
  'category',
  'group',
  'agent',
  'campaign',
  'customer',
  'fee',
] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

export const FIGURE_KEYS = [
  'revenue',
  'cogs',
  'grossProfit',
  'fees',
  'commissions',
  'otherIncome',
  'netProfit',
  'orders',
] as const;

type PnlRow = Output<'figures.pnl'>['rows'][number];

export function pnlRowLabel(t: TFunction, by: Breakdown, row: PnlRow): string {
  return by === 'fee' && row.key ? feeLabel(t, row.key) : rowLabel(t, row);
}

export function PnlTab({
  period,
  by,
  onChange,
}: {
  period: Period;
  by: Breakdown;
  onChange: (period: Period, by: Breakdown) => void;
}) {
  const { t } = useTranslation('reports');
  const tc = useTranslation().t;
  const money = useMoney();
  const pnl = useApi('figures.pnl', { ...period, by });
  const report = pnl.data;

  const columns = useMemo(
    () => [
      {
        title: t(`breakdown.${by}`),
        key: 'label',
        fixed: 'left' as const,
        width: 160,
        ellipsis: true,
        render: (_: unknown, r: PnlRow) => pnlRowLabel(tc, by, r),
      },
      ...FIGURE_KEYS.map((k) => ({
        title: tc(`figures.${k}`),
        dataIndex: k,
        key: k,
        align: 'right' as const,
        width: 112,
        sorter: (a: PnlRow, b: PnlRow) => a[k] - b[k],
        render: (v: number) => (
          <span className={`num${v < 0 ? ' neg' : ''}`}>
            {k === 'orders' ? v.toLocaleString() : money.text(v)}
          </span>
        ),
      })),
    ],
    [by, t, tc, money],
  );

  const fileName = `pnl-${period.from}-${period.to}-${by}`;

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
        <Space wrap>
          <PeriodPicker value={period} onChange={(p) => onChange(p, by)} testId="report-period" />
          <Select
            value={by}
            style={{ width: 150 }}
            aria-label={t('by')}
            data-testid="report-by"
            onChange={(v: Breakdown) => onChange(period, v)}
            options={BREAKDOWNS.map((b) => ({
              value: b,
              label: `${t('by')} ${t(`breakdown.${b}`)}`,
            }))}
          />
        </Space>
        <Space>
          <ExportButton
            method="report.export"
            fileName={fileName}
            input={(file) => ({ ...period, by, file })}
            data-testid="export-pnl"
          />
          <Button
            icon={<PrinterOutlined />}
            href={hrefOf(['reports', 'print'], { ...period, by })}
            data-testid="print-pnl"
          >
            {t('pdf')}
          </Button>
        </Space>
      </Space>
      {pnl.error ? <LoadError error={pnl.error} onRetry={pnl.reload} /> : null}
      <Table<PnlRow>
        size="small"
        rowKey="key"
        data-testid="pnl-table"
        loading={pnl.loading}
        dataSource={report?.rows ?? []}
        columns={columns}
        scroll={{ x: 1056 }}
        showSorterTooltip={false}
        pagination={{
          defaultPageSize: 50,
          showSizeChanger: true,
          hideOnSinglePage: true,
          showTotal: (n) => t('rows', { count: n }),
        }}
        summary={() =>
          report ? (
            <Table.Summary fixed>
              <Table.Summary.Row className="totals" data-testid="pnl-totals">
                <Table.Summary.Cell index={0}>
                  <Typography.Text strong>{tc('total')}</Typography.Text>
                </Table.Summary.Cell>
                {FIGURE_KEYS.map((k, i) => (
                  <Table.Summary.Cell key={k} index={i + 1} align="right">
                    <Typography.Text strong>
                      <span data-testid={`pnl-total-${k}`}>
                        {k === 'orders'
                          ? report.totals.orders.toLocaleString()
                          : money.text(report.totals[k])}
                      </span>
                    </Typography.Text>
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
