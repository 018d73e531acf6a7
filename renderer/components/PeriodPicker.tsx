// A report period: presets (this month, last 12 months...) or any range of days. Days are
// 'YYYY-MM-DD', both inclusive, as every figures method takes them.
import { DatePicker, Segmented, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';

export interface Period {
  from: string;
  to: string;
}

export const PRESETS = ['thisMonth', 'lastMonth', 'last30', 'thisYear', 'last12'] as const;
export type Preset = (typeof PRESETS)[number];

const D = 'YYYY-MM-DD';

export function presetPeriod(preset: Preset, today: Dayjs = dayjs()): Period {
  switch (preset) {
    case 'thisMonth':
      return { from: today.startOf('month').format(D), to: today.format(D) };
    case 'lastMonth': {
      const m = today.subtract(1, 'month');
      return { from: m.startOf('month').format(D), to: m.endOf('month').format(D) };
    }
    case 'last30':
      return { from: today.subtract(29, 'day').format(D), to: today.format(D) };
    case 'thisYear':
      return { from: today.startOf('year').format(D), to: today.format(D) };
    case 'last12':
      return {
        from: today.subtract(11, 'month').startOf('month').format(D),
        to: today.format(D),
      };
  }
}

/** The preset a period is, if any (so the picker shows it selected). */
export function presetOf(p: Period): Preset | 'custom' {
  return (
    PRESETS.find((k) => {
      const q = presetPeriod(k);
      return q.from === p.from && q.to === p.to;
    }) ?? 'custom'
  );
}

/** Days between from and to, inclusive. */
export function periodDays(p: Period): number {
  return dayjs(p.to).diff(dayjs(p.from), 'day') + 1;
}

export function PeriodPicker({
  value,
  onChange,
  testId = 'period',
}: {
  value: Period;
  onChange: (p: Period) => void;
  testId?: string;
}) {
  const { t } = useTranslation();
  const preset = presetOf(value);
  return (
    <Space wrap data-testid={testId}>
      <Segmented
        value={preset}
        onChange={(v) => {
          if (v !== 'custom') onChange(presetPeriod(v as Preset));
        }}
        options={[...PRESETS, 'custom'].map((k) => ({
          value: k,
          label: t(`periodPicker.${k}`),
          disabled: k === 'custom',
        }))}
      />
      <DatePicker.RangePicker
        allowClear={false}
        value={[dayjs(value.from), dayjs(value.to)]}
        onChange={(range) => {
          if (range?.[0] && range[1]) {
            onChange({ from: range[0].format(D), to: range[1].format(D) });
          }
        }}
        aria-label={t('period')}
        data-testid={`${testId}-range`}
      />
    </Space>
  );
}

/** A period from the route query (?from=…&to=…), when both are valid days. */
export function periodFromQuery(q: URLSearchParams): Period | null {
  const from = q.get('from');
  const to = q.get('to');
  const ok = (s: string | null): s is string => !!s && /^\d{4}-\d{2}-\d{2}$/.test(s);
  return ok(from) && ok(to) && from <= to ? { from, to } : null;
}
