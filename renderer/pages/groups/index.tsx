import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';

export default function GroupsPage() {
  const { t } = useTranslation('groups');
  return <Typography.Title level={3}>{t('title')}</Typography.Title>;
}
