// The printable P&L (#/reports/print?from=…&to=…&by=…): a plain layout for paper and PDF.
// Electron's main prints this route with webContents.printToPDF; in the browser the Print
// button calls window.print() (the browser's "Save as PDF").
import { useEffect, useState } from 'react';
import { Button, Space, Spin } from 'antd';
import { ArrowLeftOutlined, PrinterOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/hooks';
import { bridge } from '../../api/bridge';
import { hrefOf } from '../../app/router';
import { LoadError } from '../../components/LoadError';
import { useMoney } from '../../components/money';
import type { Period } from '../../components/PeriodPicker';
import { FIGURE_KEYS, pnlRowLabel, type Breakdown } from './pnl';

export function PrintView({ period, by }: { period: Period; by: Breakdown }) {
  const { t } = useTranslation('reports');
  const tc = useTranslation().t;
  const money = useMoney();
  const pnl = useApi('figures.pnl', { ...period, by });
  const ws = useApi('workspace.get', {});
  const [version, setVersion] = useState('');
  const [madeAt] = useState(() => new Date());
  useEffect(() => {
    void bridge.appInfo().then((i) => setVersion(i.version));
  }, []);
  const report = pnl.data;
  const cell = (k: (typeof FIGURE_KEYS)[number], v: number) =>
    k === 'orders' ? String(v) : money.plain(v);

  if (pnl.error) return <LoadError error={pnl.error} onRetry={pnl.reload} />;
  if (!report) return <Spin />;
  return (
    <div className="print-report" data-testid="print-report" data-ready="true">
      <Space className="no-print" style={{ marginBottom: 16 }}>
        <Button icon={<ArrowLeftOutlined />} href={hrefOf(['reports'], { ...period, by })}>
          {t('back')}
        </Button>
        <Button
          type="primary"
          icon={<PrinterOutlined />}
          onClick={() => window.print()}
          data-testid="print-button"
        >
          {t('printButton')}
        </Button>
      </Space>
      <h1 style={{ fontSize: 20, margin: '0 0 4px' }}>
        {ws.data?.settings?.name} · {t('printTitle')}
      </h1>
      <div style={{ color: '#555', marginBottom: 12, fontSize: 12 }}>
        {t('printPeriod', { from: report.from, to: report.to })} ·{' '}
        {t('printBy', { by: t(`breakdown.${by}`) })} · {report.currency}
        <br />
        {t('printMade', { at: madeAt.toLocaleString(), version })}
      </div>
      <table>
        <thead>
          <tr>
            <th>{t(`breakdown.${by}`)}</th>
            {FIGURE_KEYS.map((k) => (
              <th key={k} className="num">
                {tc(`figures.${k}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {report.rows.map((r) => (
            <tr key={r.key}>
              <td>{pnlRowLabel(tc, by, r)}</td>
              {FIGURE_KEYS.map((k) => (
                <td key={k} className="num">
                  {cell(k, r[k])}
                </td>
              ))}
            </tr>
          ))}
          <tr className="totals" data-testid="print-totals">
            <td>{tc('total')}</td>
            {FIGURE_KEYS.map((k) => (
              <td key={k} className="num" data-testid={`print-total-${k}`}>
                {cell(k, report.totals[k])}
              </td>
            ))}
          </tr>
        </tbody>
      </table>
    </div>
  );
}
