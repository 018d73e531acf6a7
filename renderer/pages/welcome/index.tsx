import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';

export default function WelcomePage() {
  const { t } = useTranslation('welcome');
  return <Typography.Title level={3}>{t('title')}</Typography.Title>;
}
