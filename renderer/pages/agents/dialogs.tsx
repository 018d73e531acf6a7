// The agent dialogs: create (under an upline), edit (name, contacts, tier, status, notes) and
// move (with the whole subtree). Every one sends the form as typed and shows the contract's
// field errors; nothing is saved on error.
import { useEffect } from 'react';
import { App, Checkbox, DatePicker, Form, Input, Modal, Select, type ButtonProps } from 'antd';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { api } from '../../api/client';
import { showFieldErrors, useAction } from '../../api/hooks';
import { AgentSelect } from '../../components/AgentSelect';
import { dayText } from '../../components/useWorkspaceMoney';

export const TIERS = ['general', 'level1', 'level2'] as const;
export const STATUSES = ['active', 'suspended', 'left'] as const;

export function tierOptions(t: (k: string) => string) {
  return TIERS.map((v) => ({ value: v, label: t(`tier.${v}`) }));
}

interface CreateProps {
  open: boolean;
  uplineId: string | null;
  onClose: () => void;
  onCreated: (id: string) => void;
}

export function CreateAgentDialog({ open, uplineId, onClose, onCreated }: CreateProps) {
  const { t } = useTranslation('agents');
  const { t: tc } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const { busy, run } = useAction();

  useEffect(() => {
    if (open) {
      form.resetFields();
      form.setFieldsValue({ uplineId });
    }
  }, [open, uplineId, form]);

  const submit = async () => {
    const v = form.getFieldsValue(true) as Record<string, unknown>;
    try {
      const agent = await run(() =>
        api('agent.create', {
          name: (v.name as string | undefined) ?? '',
          phone: (v.phone as string | undefined) || null,
          wechatId: (v.wechatId as string | undefined) || null,
          tier: v.tier as (typeof TIERS)[number],
          uplineId: (v.uplineId as string | null | undefined) ?? null,
          joinedOn: dayText(v.joinedOn as dayjs.Dayjs | null),
          notes: (v.notes as string | undefined) || null,
        }),
      );
      void message.success(t('created', { name: agent.name }));
      onCreated(agent.id);
    } catch (e) {
      const rest = showFieldErrors(form, e);
      if (rest) void message.error(`${tc('nothingSaved')}: ${rest}`);
    }
  };

  return (
    <Modal
      open={open}
      title={t('newAgent')}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={tc('save')}
      cancelText={tc('cancel')}
      confirmLoading={busy}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'agent-save' } as ButtonProps}
    >
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{
          name: '',
          phone: '',
          wechatId: '',
          tier: 'level2',
          uplineId,
          joinedOn: dayjs(),
          notes: '',
        }}
        onFinish={() => void submit()}
        data-testid="agent-form"
      >
        <Form.Item name="name" label={t('field.name')}>
          <Input autoFocus data-testid="agent-name" />
        </Form.Item>
        <Form.Item name="tier" label={t('field.tier')}>
          <Select options={tierOptions(t)} data-testid="agent-tier" />
        </Form.Item>
        <Form.Item name="uplineId" label={t('field.upline')} extra={t('uplineHint')}>
          <AgentSelect data-testid="agent-upline" placeholder={t('topLevel')} />
        </Form.Item>
        <Form.Item name="phone" label={t('field.phone')}>
          <Input data-testid="agent-phone" />
        </Form.Item>
        <Form.Item name="wechatId" label={t('field.wechatId')}>
          <Input />
        </Form.Item>
        <Form.Item name="joinedOn" label={t('field.joinedOn')}>
          <DatePicker allowClear={false} />
        </Form.Item>
        <Form.Item name="notes" label={t('field.notes')}>
          <Input.TextArea rows={2} />
        </Form.Item>
        {/* Enter in any field saves, as the OK button does. */}
        <button type="submit" hidden aria-hidden tabIndex={-1} />
      </Form>
    </Modal>
  );
}

export interface EditableAgent {
  id: string;
  name: string;
  phone: string | null;
  wechatId: string | null;
  tier: string;
  status: string;
  notes: string | null;
}

export function EditAgentDialog({
  agent,
  onClose,
}: {
  agent: EditableAgent | null;
  onClose: () => void;
}) {
  const { t } = useTranslation('agents');
  const { t: tc } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const { busy, run } = useAction();

  useEffect(() => {
    if (agent) {
      form.setFieldsValue({
        name: agent.name,
        phone: agent.phone ?? '',
        wechatId: agent.wechatId ?? '',
        tier: agent.tier,
        status: agent.status,
        notes: agent.notes ?? '',
      });
    }
  }, [agent, form]);

  const submit = async () => {
    if (!agent) return;
    const v = form.getFieldsValue(true) as Record<string, string>;
    try {
      await run(() =>
        api('agent.update', {
          id: agent.id,
          name: v.name ?? '',
          phone: v.phone || null,
          wechatId: v.wechatId || null,
          tier: v.tier as (typeof TIERS)[number],
          status: v.status as (typeof STATUSES)[number],
          notes: v.notes || null,
        }),
      );
      void message.success(tc('saved'));
      onClose();
    } catch (e) {
      const rest = showFieldErrors(form, e);
      if (rest) void message.error(`${tc('nothingSaved')}: ${rest}`);
    }
  };

  return (
    <Modal
      open={agent !== null}
      title={t('editAgent')}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={tc('save')}
      cancelText={tc('cancel')}
      confirmLoading={busy}
      forceRender
      okButtonProps={{ 'data-testid': 'agent-edit-save' } as ButtonProps}
    >
      <Form form={form} layout="vertical" onFinish={() => void submit()}>
        <Form.Item name="name" label={t('field.name')}>
          <Input data-testid="agent-edit-name" />
        </Form.Item>
        <Form.Item name="tier" label={t('field.tier')} extra={t('tierHint')}>
          <Select options={tierOptions(t)} data-testid="agent-edit-tier" />
        </Form.Item>
        <Form.Item name="status" label={t('field.status')}>
          <Select
            options={STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
            data-testid="agent-edit-status"
          />
        </Form.Item>
        <Form.Item name="phone" label={t('field.phone')}>
          <Input />
        </Form.Item>
        <Form.Item name="wechatId" label={t('field.wechatId')}>
          <Input />
        </Form.Item>
        <Form.Item name="notes" label={t('field.notes')}>
          <Input.TextArea rows={2} />
        </Form.Item>
        {/* Enter in any field saves, as the OK button does. */}
        <button type="submit" hidden aria-hidden tabIndex={-1} />
      </Form>
    </Modal>
  );
}

export interface MoveTarget {
  id: string;
  name: string;
  /** A proposed new upline (from a drag); undefined: the user picks. */
  uplineId?: string | null;
}

export function MoveAgentDialog({
  target,
  onClose,
}: {
  target: MoveTarget | null;
  onClose: (moved: boolean) => void;
}) {
  const { t } = useTranslation('agents');
  const { t: tc } = useTranslation();
  const { message, modal } = App.useApp();
  const [form] = Form.useForm();
  const { busy, run } = useAction();
  const toTop = Form.useWatch('toTop', form) as boolean | undefined;

  useEffect(() => {
    if (target) {
      form.resetFields();
      form.setFieldsValue({
        uplineId: target.uplineId ?? null,
        toTop: target.uplineId === null,
        movedOn: dayjs(),
        reason: '',
      });
    }
  }, [target, form]);

  const submit = async () => {
    if (!target) return;
    const v = form.getFieldsValue(true) as {
      uplineId: string | null;
      toTop: boolean;
      movedOn: dayjs.Dayjs | null;
      reason: string;
    };
    try {
      const moved = await run(() =>
        api('agent.move', {
          id: target.id,
          uplineId: v.toTop ? null : (v.uplineId ?? ''),
          movedOn: dayText(v.movedOn),
          reason: v.reason || null,
        }),
      );
      void message.success(
        t('moved', { name: moved.name, upline: moved.upline?.name ?? t('topLevel') }),
      );
      onClose(true);
    } catch (e) {
      const rest = showFieldErrors(form, e);
      // A refused move (a cycle, nothing to move) is explained in words the user can act on.
      if (rest) {
        modal.error({ title: t('moveRefused'), content: rest, okText: tc('close') });
      }
    }
  };

  return (
    <Modal
      open={target !== null}
      title={t('moveTitle', { name: target?.name ?? '' })}
      onCancel={() => onClose(false)}
      onOk={() => void submit()}
      okText={t('move')}
      cancelText={tc('cancel')}
      confirmLoading={busy}
      forceRender
      okButtonProps={{ 'data-testid': 'move-save' } as ButtonProps}
    >
      <p>{t('moveHint')}</p>
      <Form form={form} layout="vertical" onFinish={() => void submit()} data-testid="move-form">
        <Form.Item name="toTop" valuePropName="checked">
          <Checkbox>{t('moveToTop')}</Checkbox>
        </Form.Item>
        <Form.Item name="uplineId" label={t('newUpline')} hidden={toTop === true}>
          <AgentSelect data-testid="move-upline" allowClear={false} />
        </Form.Item>
        <Form.Item name="movedOn" label={t('movedOn')}>
          <DatePicker allowClear={false} />
        </Form.Item>
        <Form.Item name="reason" label={t('reason')}>
          <Input data-testid="move-reason" />
        </Form.Item>
        {/* Enter in any field saves, as the OK button does. */}
        <button type="submit" hidden aria-hidden tabIndex={-1} />
      </Form>
    </Modal>
  );
}
