import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';

export default function ExpensesPage() {
  const { t } = useTranslation('expenses');
  return <Typography.Title level={3}>{t('title')}</Typography.Title>;
}
