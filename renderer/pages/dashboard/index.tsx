import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';

export default function DashboardPage() {
  const { t } = useTranslation('dashboard');
  return <Typography.Title level={3}>{t('title')}</Typography.Title>;
}
