import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';

export default function CustomersPage() {
  const { t } = useTranslation('customers');
  return <Typography.Title level={3}>{t('title')}</Typography.Title>;
}
