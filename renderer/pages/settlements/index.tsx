import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';

export default function SettlementsPage() {
  const { t } = useTranslation('settlements');
  return <Typography.Title level={3}>{t('title')}</Typography.Title>;
}
