import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';

export default function AgentsPage() {
  const { t } = useTranslation('agents');
  return <Typography.Title level={3}>{t('title')}</Typography.Title>;
}
