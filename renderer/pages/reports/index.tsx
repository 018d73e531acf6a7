import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';

export default function ReportsPage() {
  const { t } = useTranslation('reports');
  return <Typography.Title level={3}>{t('title')}</Typography.Title>;
}
