// A failed read inside a page, with a retry.
import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';

export function LoadError({ error, onRetry }: { error: Error; onRetry: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert
      type="error"
      showIcon
      title={t('failed')}
      description={error.message}
      action={<Button onClick={onRetry}>{t('retry')}</Button>}
    />
  );
}
