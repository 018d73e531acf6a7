// Reports: the P&L with every breakdown (export CSV/XLSX, print/PDF), commissions by agent,
// and the compliance view. #/reports/print?… is the printable P&L alone (App shows it
// without the menu). The period and breakdown live in the route query, so a report can be
// linked and printed as it is on screen.
import { Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { navigateWithQuery, useRouteQuery } from '../../app/router';
import { periodFromQuery, presetPeriod, type Period } from '../../components/PeriodPicker';
import type { PageProps } from '../registry';
import { BREAKDOWNS, PnlTab, type Breakdown } from './pnl';
import { PrintView } from './print';
import { CommissionsTab } from './commissions';
import { ComplianceTab } from './compliance';

const TABS = ['pnl', 'commissions', 'compliance'] as const;

export default function ReportsPage({ params }: PageProps) {
  const { t } = useTranslation('reports');
  const query = useRouteQuery();
  const period = periodFromQuery(query) ?? presetPeriod('thisYear');
  const byText = query.get('by');
  const by: Breakdown = (BREAKDOWNS as readonly string[]).includes(byText ?? '')
    ? (byText as Breakdown)
    : 'month';

  if (params[0] === 'print') return <PrintView period={period} by={by} />;

  const tab = (TABS as readonly string[]).includes(params[0] ?? '') ? params[0]! : 'pnl';
  const go = (nextTab: string, p: Period, b: Breakdown = by) =>
    navigateWithQuery(nextTab === 'pnl' ? ['reports'] : ['reports', nextTab], {
      from: p.from,
      to: p.to,
      by: b,
    });

  return (
    <div data-testid="reports">
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('title')}
      </Typography.Title>
      <Tabs
        activeKey={tab}
        onChange={(k) => go(k, period)}
        destroyOnHidden
        items={[
          {
            key: 'pnl',
            label: t('tabs.pnl'),
            children: <PnlTab period={period} by={by} onChange={(p, b) => go('pnl', p, b)} />,
          },
          {
            key: 'commissions',
            label: t('tabs.commissions'),
            children: <CommissionsTab period={period} onChange={(p) => go('commissions', p)} />,
          },
          {
            key: 'compliance',
            label: t('tabs.compliance'),
            children: <ComplianceTab period={period} onChange={(p) => go('compliance', p)} />,
          },
        ]}
      />
    </div>
  );
}
