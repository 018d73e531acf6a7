// The compliance view (禁止传销条例 Art. 7): plan depth, entry fees charged to agents, the
// share of income from fees, the tree's size, and the core's warnings citing the rule.
import { Alert, Card, Descriptions, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/hooks';
import { LoadError } from '../../components/LoadError';
import { PeriodPicker, type Period } from '../../components/PeriodPicker';
import { useMoney } from '../../components/money';

const ALERT = { info: 'info', warning: 'warning', danger: 'error' } as const;

/** The core writes each warning in Chinese then English: show the user's language. */
export function messageIn(lang: string, message: string): string {
  const m = /^(.*?[。）)])\s+([A-Z].*)$/s.exec(message);
  if (!m) return message;
  return lang === 'en' ? m[2]! : m[1]!;
}

export function ComplianceTab({
  period,
  onChange,
}: {
  period: Period;
  onChange: (p: Period) => void;
}) {
  const { t, i18n } = useTranslation('reports');
  const money = useMoney();
  const report = useApi('compliance.report', period);
  const r = report.data;
  const pct = (bp: number) => `${(bp / 100).toFixed(2)}%`;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="compliance">
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('compliance.intro')}
      </Typography.Paragraph>
      <PeriodPicker value={period} onChange={onChange} testId="compliance-period" />
      {report.error ? <LoadError error={report.error} onRetry={report.reload} /> : null}
      {r ? (
        <>
          <Card size="small" title={t('compliance.warnings')}>
            <Space orientation="vertical" style={{ width: '100%' }}>
              {r.warnings.length === 0 ? (
                <Typography.Text type="secondary">{t('compliance.noWarnings')}</Typography.Text>
              ) : (
                r.warnings.map((w) => (
                  <Alert
                    key={w.code}
                    type={ALERT[w.level]}
                    showIcon
                    data-testid={`compliance-warning-${w.code}`}
                    title={messageIn(i18n.language, w.message)}
                    description={
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {t('compliance.rule')}: {w.rule}
                      </Typography.Text>
                    }
                  />
                ))
              )}
            </Space>
          </Card>
          <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
            <Descriptions.Item label={t('compliance.planDepth')}>
              <Tag color={r.planDepth > r.maxAllowedDepth ? 'red' : 'green'}>
                {t('compliance.planDepthValue', { depth: r.planDepth, max: r.maxAllowedDepth })}
              </Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('compliance.recruitRewards')}>
              <Tag color="green">{t('compliance.none')}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('compliance.entryFees')}>
              {money.text(r.entryFees.total)} ({t('compliance.franchise')}{' '}
              {money.text(r.entryFees.byKind.franchise)} · {t('compliance.training')}{' '}
              {money.text(r.entryFees.byKind.training)})
            </Descriptions.Item>
            <Descriptions.Item label={t('compliance.feeAgents')}>
              {r.entryFees.agents}
            </Descriptions.Item>
            <Descriptions.Item label={t('compliance.feeShare')}>
              <Tag
                color={
                  r.incomeShare.feeShareBp >= 5000
                    ? 'red'
                    : r.incomeShare.feeShareBp >= 2000
                      ? 'orange'
                      : 'green'
                }
              >
                {pct(r.incomeShare.feeShareBp)}
              </Tag>
              {t('compliance.productRevenue')} {money.text(r.incomeShare.productRevenue)} ·{' '}
              {t('compliance.feeIncome')} {money.text(r.incomeShare.feeIncome)}
            </Descriptions.Item>
            <Descriptions.Item
              label={`${t('compliance.agentCount')} / ${t('compliance.treeDepth')}`}
            >
              {r.agentCount} / {r.treeDepth}
            </Descriptions.Item>
          </Descriptions>
        </>
      ) : null}
    </Space>
  );
}
