// Commission plans (effective-dated: direct rate + at most two upline levels, overrides per
// tier / category / product, base = net amount or gross margin) beside the compliance view.
// A deeper plan is refused by the core; the refusal and the rule it cites are shown here.
import { useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Form,
  Input,
  Radio,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  App,
} from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { api, ApiError, type Output } from '../../api/client';
import { showFieldErrors, useAction, useApi } from '../../api/hooks';
import {
  dayText,
  formatRate,
  parseRate,
  useWorkspaceMoney,
} from '../../components/useWorkspaceMoney';
import { TIERS } from './dialogs';

type Plan = Output<'plan.list'>[number];

export function PlansPanel() {
  return (
    <Row gutter={16}>
      <Col xs={24} xl={15}>
        <PlanList />
        <PlanEditor />
      </Col>
      <Col xs={24} xl={9}>
        <CompliancePanel />
      </Col>
    </Row>
  );
}

function PlanList() {
  const { t } = useTranslation('agents');
  const plans = useApi('plan.list', {});
  const inForce = useApi('plan.inForce', {});
  return (
    <Card size="small" title={t('plans')} style={{ marginBottom: 12 }}>
      <Table<Plan>
        size="small"
        rowKey="id"
        data-testid="plan-list"
        scroll={{ x: 'max-content' }}
        loading={plans.loading}
        dataSource={[...(plans.data ?? [])].reverse()}
        pagination={false}
        expandable={{
          rowExpandable: (p) => p.overrides.length > 0,
          expandedRowRender: (p) => (
            <Table
              size="small"
              rowKey={(o) => `${o.scope}/${o.key}/${o.level}`}
              pagination={false}
              dataSource={p.overrides}
              columns={[
                {
                  title: t('scope'),
                  dataIndex: 'scope',
                  render: (s: string) => t(`scopeName.${s}`),
                },
                {
                  title: t('key'),
                  dataIndex: 'key',
                  render: (k: string, o) => (o.scope === 'tier' ? t(`tier.${k}`) : k),
                },
                {
                  title: t('level'),
                  dataIndex: 'level',
                  render: (l: number) => t(`levelName.${l}`),
                },
                { title: t('rate'), dataIndex: 'rateBp', align: 'right', render: formatRate },
              ]}
            />
          ),
        }}
        columns={[
          {
            title: t('field.planName'),
            dataIndex: 'name',
            render: (n: string, p) => (
              <span>
                {n} {inForce.data?.id === p.id && <Tag color="green">{t('inForce')}</Tag>}
              </span>
            ),
          },
          { title: t('effectiveFrom'), dataIndex: 'effectiveFrom' },
          {
            title: t('effectiveTo'),
            dataIndex: 'effectiveTo',
            render: (d: string | null) => d ?? t('openEnded'),
          },
          { title: t('base'), dataIndex: 'base', render: (b: string) => t(`baseShort.${b}`) },
          {
            title: t('levelName.0'),
            key: 'r0',
            align: 'right',
            render: (_: unknown, p) => formatRate(p.rates[0]),
          },
          {
            title: t('levelName.1'),
            key: 'r1',
            align: 'right',
            render: (_: unknown, p) => formatRate(p.rates[1]),
          },
          {
            title: t('levelName.2'),
            key: 'r2',
            align: 'right',
            render: (_: unknown, p) => formatRate(p.rates[2]),
          },
          {
            title: t('overrides'),
            key: 'n',
            align: 'right',
            render: (_: unknown, p) => p.overrides.length,
          },
        ]}
      />
    </Card>
  );
}

interface OverrideRow {
  scope: 'tier' | 'category' | 'product';
  key: string;
  level: number;
  rateBp: string;
}

function PlanEditor() {
  const { t } = useTranslation('agents');
  const { t: tc } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const { busy, run } = useAction();
  const [refusal, setRefusal] = useState<{ message: string; depth: boolean } | null>(null);
  const categories = useApi('product.categories', {});
  const products = useApi('product.list', { limit: 500, offset: 0 });

  const submit = async () => {
    setRefusal(null);
    const v = form.getFieldsValue(true) as {
      name: string;
      effectiveFrom: dayjs.Dayjs | null;
      base: 'net' | 'margin';
      rates: string[];
      overrides: OverrideRow[];
      note: string;
    };
    // Rates are typed as percents; a text that is not a number is caught here, the rest by
    // the contract.
    const local: { name: (string | number)[]; errors: string[] }[] = [];
    const rates = v.rates.map((r, i) => {
      const bp = parseRate(String(r ?? ''));
      if (bp === null) local.push({ name: ['rates', i], errors: [t('notAPercent')] });
      return bp ?? 0;
    });
    const overrides = (v.overrides ?? []).map((o, i) => {
      const bp = parseRate(String(o.rateBp ?? ''));
      if (bp === null) local.push({ name: ['overrides', i, 'rateBp'], errors: [t('notAPercent')] });
      return { scope: o.scope, key: o.key ?? '', level: o.level, rateBp: bp ?? 0 };
    });
    if (local.length) {
      form.setFields(local);
      return;
    }
    try {
      const plan = await run(() =>
        api('plan.create', {
          name: v.name ?? '',
          effectiveFrom: dayText(v.effectiveFrom) ?? '',
          base: v.base,
          rates,
          overrides,
          note: v.note || null,
        }),
      );
      void message.success(t('planSaved', { name: plan.name }));
      form.resetFields();
    } catch (e) {
      const rest = showFieldErrors(form, e);
      const issues = e instanceof ApiError ? e.issues : [];
      const depth = issues.some((i) => i.path === 'rates');
      setRefusal({
        // Issues shown on a field are not repeated, except the depth refusal's rule.
        message: [
          rest ?? '',
          ...(depth ? issues.filter((i) => i.path === 'rates') : []).map((i) => i.message),
        ]
          .filter(Boolean)
          .filter((m, i, all) => all.indexOf(m) === i)
          .join('\n'),
        depth,
      });
    }
  };

  return (
    <Card size="small" title={t('newPlan')} data-testid="plan-editor">
      <Alert type="info" showIcon title={t('depthRuleShort')} style={{ marginBottom: 12 }} />
      <Form
        form={form}
        layout="vertical"
        onFinish={() => void submit()}
        initialValues={{
          name: '',
          effectiveFrom: dayjs(),
          base: 'net',
          rates: ['10', '3', '1'],
          overrides: [],
          note: '',
        }}
      >
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name="name" label={t('field.planName')}>
              <Input data-testid="plan-name" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="effectiveFrom" label={t('effectiveFrom')} extra={t('effectiveHint')}>
              <DatePicker allowClear={false} data-testid="plan-from" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="base" label={t('base')}>
          <Radio.Group
            options={[
              { value: 'net', label: t('baseName.net') },
              { value: 'margin', label: t('baseName.margin') },
            ]}
          />
        </Form.Item>
        <Form.List name="rates">
          {(fields, { add, remove }, { errors }) => (
            <Form.Item label={t('ratesLabel')} required>
              <Space wrap align="start">
                {fields.map((field, i) => (
                  <Space key={field.key} align="baseline">
                    <Form.Item
                      name={field.name}
                      label={t(`levelName.${Math.min(i, 3)}`, { n: i })}
                      style={{ marginBottom: 0 }}
                    >
                      <Input suffix="%" style={{ width: 110 }} data-testid={`plan-rate-${i}`} />
                    </Form.Item>
                    {i > 0 && i === fields.length - 1 && (
                      <MinusCircleOutlined
                        aria-label={t('removeLevel')}
                        onClick={() => remove(field.name)}
                      />
                    )}
                  </Space>
                ))}
                <Button
                  icon={<PlusOutlined />}
                  onClick={() => add('1')}
                  data-testid="plan-add-level"
                  style={{ marginTop: 30 }}
                >
                  {t('addLevel')}
                </Button>
              </Space>
              <Form.ErrorList errors={errors} />
            </Form.Item>
          )}
        </Form.List>
        <Form.List name="overrides">
          {(fields, { add, remove }) => (
            <Form.Item label={t('overridesLabel')} extra={t('overridesHint')}>
              {fields.map((field) => (
                <Space key={field.key} align="baseline" wrap style={{ display: 'flex' }}>
                  <Form.Item name={[field.name, 'scope']} style={{ marginBottom: 8 }}>
                    <Select
                      style={{ width: 110 }}
                      options={(['tier', 'category', 'product'] as const).map((s) => ({
                        value: s,
                        label: t(`scopeName.${s}`),
                      }))}
                      onChange={() =>
                        form.setFieldValue(['overrides', field.name, 'key'], undefined)
                      }
                    />
                  </Form.Item>
                  <Form.Item noStyle dependencies={[['overrides', field.name, 'scope']]}>
                    {() => {
                      const scope = form.getFieldValue([
                        'overrides',
                        field.name,
                        'scope',
                      ]) as string;
                      const options =
                        scope === 'tier'
                          ? TIERS.map((v) => ({ value: v, label: t(`tier.${v}`) }))
                          : scope === 'category'
                            ? (categories.data ?? []).map((c) => ({
                                value: c.category,
                                label: c.category,
                              }))
                            : (products.data?.rows ?? []).map((p) => ({
                                value: p.id,
                                label: `${p.sku} ${p.name}`,
                              }));
                      return (
                        <Form.Item name={[field.name, 'key']} style={{ marginBottom: 8 }}>
                          <Select
                            showSearch={{ optionFilterProp: 'label' }}
                            style={{ width: 200 }}
                            placeholder={t('key')}
                            options={options}
                          />
                        </Form.Item>
                      );
                    }}
                  </Form.Item>
                  <Form.Item name={[field.name, 'level']} style={{ marginBottom: 8 }}>
                    <Select
                      style={{ width: 130 }}
                      options={[0, 1, 2].map((l) => ({ value: l, label: t(`levelName.${l}`) }))}
                    />
                  </Form.Item>
                  <Form.Item name={[field.name, 'rateBp']} style={{ marginBottom: 8 }}>
                    <Input suffix="%" style={{ width: 100 }} />
                  </Form.Item>
                  <MinusCircleOutlined onClick={() => remove(field.name)} />
                </Space>
              ))}
              <Button
                type="dashed"
                icon={<PlusOutlined />}
                onClick={() => add({ scope: 'category', key: undefined, level: 0, rateBp: '' })}
              >
                {t('addOverride')}
              </Button>
            </Form.Item>
          )}
        </Form.List>
        <Form.Item name="note" label={t('field.notes')}>
          <Input />
        </Form.Item>
        {refusal && (
          <Alert
            type="error"
            showIcon
            data-testid="plan-refused"
            style={{ marginBottom: 12, whiteSpace: 'pre-wrap' }}
            title={refusal.depth ? t('depthRefused') : tc('nothingSaved')}
            description={
              <>
                {refusal.depth && <Typography.Paragraph>{t('depthRuleLong')}</Typography.Paragraph>}
                {refusal.message}
              </>
            }
          />
        )}
        <Button type="primary" htmlType="submit" loading={busy} data-testid="plan-save">
          {t('savePlan')}
        </Button>
      </Form>
    </Card>
  );
}

const WARNING_TYPE = { info: 'info', warning: 'warning', danger: 'error' } as const;

export function CompliancePanel() {
  const { t } = useTranslation('agents');
  const money = useWorkspaceMoney();
  const report = useApi('compliance.report', {});
  const r = report.data;
  return (
    <Card size="small" title={t('compliance')} data-testid="compliance" loading={!r}>
      {r && (
        <>
          <Descriptions
            size="small"
            column={1}
            items={[
              {
                key: 'depth',
                label: t('planDepth'),
                children: t('planDepthValue', { depth: r.planDepth, max: r.maxAllowedDepth }),
              },
              {
                key: 'tree',
                label: t('treeShape'),
                children: t('treeShapeValue', { agents: r.agentCount, levels: r.treeDepth }),
              },
              {
                key: 'fees',
                label: t('entryFees'),
                children: r.entryFees.charged ? (
                  <Typography.Text type="danger" data-testid="entry-fees">
                    {t('entryFeesCharged', {
                      amount: money.withSymbol(r.entryFees.total),
                      agents: r.entryFees.agents,
                    })}
                  </Typography.Text>
                ) : (
                  <span data-testid="entry-fees">{t('entryFeesNone')}</span>
                ),
              },
              {
                key: 'share',
                label: t('feeShare'),
                children: `${formatRate(r.incomeShare.feeShareBp)} (${money.withSymbol(r.incomeShare.feeIncome)} / ${money.withSymbol(r.incomeShare.productRevenue + r.incomeShare.feeIncome)})`,
              },
              { key: 'recruit', label: t('recruitRewards'), children: t('recruitRewardsNone') },
              { key: 'period', label: t('period'), children: `${r.from} – ${r.to}` },
            ]}
          />
          <Space orientation="vertical" style={{ width: '100%', marginTop: 8 }}>
            {r.warnings.map((w) => (
              <Alert
                key={w.code}
                type={WARNING_TYPE[w.level]}
                showIcon
                data-testid={`warning-${w.code}`}
                title={w.message}
                description={<Typography.Text type="secondary">{w.rule}</Typography.Text>}
              />
            ))}
          </Space>
        </>
      )}
    </Card>
  );
}
