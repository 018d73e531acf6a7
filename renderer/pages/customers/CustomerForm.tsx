// Create or edit a customer in a modal. Enter submits; the contract's field errors (e.g. a
// phone that is not one) show on their fields and nothing is saved.
import { useEffect } from 'react';
import { App, Form, Input, Modal, Select, Switch, type ButtonProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, type Output } from '../../api/client';
import { EnterSubmits, useFormCall } from '../../components/SalesKit';

type Customer = Output<'customer.get'>;

interface Values {
  name: string;
  phone: string;
  wechatId: string;
  source: string;
  tags: string[];
  notes: string;
  marketingConsent: boolean;
}

const blank: Values = {
  name: '',
  phone: '',
  wechatId: '',
  source: '',
  tags: [],
  notes: '',
  marketingConsent: false,
};

export function CustomerForm({
  open,
  customer,
  onClose,
  onSaved,
}: {
  open: boolean;
  /** The customer to edit; null creates one. */
  customer: Customer | null;
  onClose: () => void;
  onSaved: (id: string) => void;
}) {
  const { t } = useTranslation('customers');
  const { t: tc } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const call = useFormCall();

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(
      customer
        ? {
            name: customer.name,
            phone: customer.phone ?? '',
            wechatId: customer.wechatId ?? '',
            source: customer.source ?? '',
            tags: customer.tags,
            notes: customer.notes ?? '',
            marketingConsent: customer.marketingConsent,
          }
        : blank,
    );
  }, [open, customer, form]);

  const submit = async (v: Values) => {
    const fields = {
      name: v.name,
      phone: v.phone || null,
      wechatId: v.wechatId || null,
      source: v.source || null,
      notes: v.notes || null,
    };
    const saved = await call(form, async () => {
      if (!customer) {
        return api('customer.create', {
          ...fields,
          tags: v.tags,
          marketingConsent: v.marketingConsent,
          addresses: [],
        });
      }
      const updated = await api('customer.update', { id: customer.id, ...fields });
      if (JSON.stringify([...v.tags].sort()) !== JSON.stringify([...customer.tags].sort())) {
        await api('customer.setTags', { id: customer.id, tags: v.tags });
      }
      if (v.marketingConsent !== customer.marketingConsent) {
        await api('customer.setConsent', { id: customer.id, consent: v.marketingConsent });
      }
      return updated;
    });
    if (!saved) return;
    void message.success(tc('saved'));
    onSaved(saved.id);
  };

  return (
    <Modal
      open={open}
      title={customer ? t('editCustomer') : t('newCustomer')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={tc('save')}
      cancelText={tc('cancel')}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'customer-save' } as ButtonProps}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={blank}
        onFinish={(v) => void submit(v)}
        data-testid="customer-form"
      >
        <Form.Item name="name" label={t('name')} required>
          <Input autoFocus maxLength={100} data-testid="customer-name" />
        </Form.Item>
        <Form.Item name="phone" label={t('phone')}>
          <Input inputMode="tel" data-testid="customer-phone" />
        </Form.Item>
        <Form.Item name="wechatId" label={t('wechatId')}>
          <Input data-testid="customer-wechat" />
        </Form.Item>
        <Form.Item name="source" label={t('source')}>
          <Input />
        </Form.Item>
        <Form.Item name="tags" label={t('tags')}>
          <Select mode="tags" open={false} tokenSeparators={[',', '，', ' ']} />
        </Form.Item>
        <Form.Item name="notes" label={t('notes')}>
          <Input.TextArea rows={2} />
        </Form.Item>
        <Form.Item name="marketingConsent" label={t('consent')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <EnterSubmits />
      </Form>
    </Modal>
  );
}
