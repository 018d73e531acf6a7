import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';

export default function ProductsPage() {
  const { t } = useTranslation('products');
  return <Typography.Title level={3}>{t('title')}</Typography.Title>;
}
