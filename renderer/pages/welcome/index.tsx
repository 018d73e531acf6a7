// First launch: start an empty business (name, currency, refund window) or load the demo
// business (demo.generate behind the progress modal, cancellable).
import { useState } from 'react';
import {
  App,
  Button,
  Card,
  Col,
  Form,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Space,
  Typography,
} from 'antd';
import { ExperimentOutlined, ShopOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { CURRENCY_CODES } from '../../../core/money';
import { api } from '../../api/client';
import { showFieldErrors, useAction } from '../../api/hooks';
import { useLongTask } from '../../components/LongTask';
import { setOnboarding } from '../../app/onboarding';
import { navigate } from '../../app/router';
import type { PageProps } from '../registry';
import { errorText } from '../../components/SalesKit';

interface StartForm {
  name: string;
  currency: string;
  refundWindowDays: number;
}

export default function WelcomePage(_props: PageProps) {
  const { t } = useTranslation('welcome');
  const { message } = App.useApp();
  const [form] = Form.useForm<StartForm>();
  const { busy, run } = useAction();
  const longTask = useLongTask();
  const [scale, setScale] = useState<'small' | 'medium'>('small');

  const start = async (values: StartForm) => {
    try {
      await run(() => api('workspace.init', values));
      void message.success(t('started'));
      navigate('dashboard');
    } catch (error) {
      const rest = showFieldErrors(form, error);
      if (rest) void message.error(rest);
    }
  };

  const loadDemo = async () => {
    setOnboarding(true);
    try {
      await api('workspace.init', { name: t('demoName'), currency: 'CNY', refundWindowDays: 7 });
      const result = await longTask.run({
        title: t('generating'),
        task: (options) => api('demo.generate', { scale, seed: 1 }, options),
      });
      if (result === null) void message.warning(t('demoCancelled'));
      else void message.success(t('demoDone'));
      navigate('dashboard');
    } catch (error) {
      void message.error(errorText(error));
    } finally {
      setOnboarding(false);
    }
  };

  return (
    <div className="welcome" data-testid="welcome">
      <Space orientation="vertical" size="large" style={{ width: '100%', maxWidth: 960 }}>
        <div>
          <Typography.Title level={2} style={{ marginBottom: 4 }}>
            {t('title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('subtitle')}</Typography.Text>
        </div>
        <Row gutter={[24, 24]}>
          <Col xs={24} md={12}>
            <Card
              title={
                <Space>
                  <ShopOutlined />
                  {t('emptyTitle')}
                </Space>
              }
              style={{ height: '100%' }}
            >
              <Typography.Paragraph type="secondary">{t('emptyHint')}</Typography.Paragraph>
              <Form<StartForm>
                form={form}
                layout="vertical"
                initialValues={{ name: '', currency: 'CNY', refundWindowDays: 7 }}
                onFinish={(v) => void start(v)}
                data-testid="start-form"
              >
                <Form.Item
                  name="name"
                  label={t('name')}
                  rules={[{ required: true, whitespace: true, message: t('name') }]}
                >
                  <Input autoFocus maxLength={100} placeholder={t('namePlaceholder')} />
                </Form.Item>
                <Form.Item name="currency" label={t('currency')} extra={t('currencyHint')}>
                  <Select
                    showSearch
                    options={CURRENCY_CODES.map((c) => ({ value: c, label: c }))}
                  />
                </Form.Item>
                <Form.Item
                  name="refundWindowDays"
                  label={t('refundWindow')}
                  extra={t('refundWindowHint')}
                >
                  <InputNumber min={0} max={365} precision={0} style={{ width: 160 }} />
                </Form.Item>
                <Button type="primary" htmlType="submit" loading={busy} data-testid="start-empty">
                  {t('start')}
                </Button>
              </Form>
            </Card>
          </Col>
          <Col xs={24} md={12}>
            <Card
              title={
                <Space>
                  <ExperimentOutlined />
                  {t('demoTitle')}
                </Space>
              }
              style={{ height: '100%' }}
            >
              <Typography.Paragraph type="secondary">{t('demoHint')}</Typography.Paragraph>
              <Form layout="vertical">
                <Form.Item label={t('scale')}>
                  <Radio.Group
                    value={scale}
                    onChange={(e) => setScale(e.target.value as 'small' | 'medium')}
                    options={[
                      { value: 'small', label: t('scaleSmall') },
                      { value: 'medium', label: t('scaleMedium') },
                    ]}
                    style={{ display: 'flex', flexDirection: 'column', gap: 8 }}
                  />
                </Form.Item>
                <Button
                  type="primary"
                  ghost
                  onClick={() => void loadDemo()}
                  loading={longTask.busy}
                  data-testid="load-demo"
                >
                  {t('loadDemo')}
                </Button>
              </Form>
            </Card>
          </Col>
        </Row>
      </Space>
    </div>
  );
}
