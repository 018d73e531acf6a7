import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';

export default function OrdersPage() {
  const { t } = useTranslation('orders');
  return <Typography.Title level={3}>{t('title')}</Typography.Title>;
}
