// Picks an agent by name, phone or WeChat id (agent.list search), keyboard-friendly. Used by
// the agents, settlements and expenses pages.
import { useEffect, useState } from 'react';
import { Select, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';

interface Option {
  value: string;
  label: string;
  tier: string;
}

export interface AgentSelectProps {
  value?: string | null;
  onChange?: (id: string | null) => void;
  placeholder?: string;
  /** Leave this agent out (e.g. the agent being moved). */
  exclude?: string;
  allowClear?: boolean;
  disabled?: boolean;
  style?: React.CSSProperties;
  id?: string;
  'data-testid'?: string;
}

export function AgentSelect({
  value,
  onChange,
  placeholder,
  exclude,
  allowClear = true,
  disabled,
  style,
  id,
  'data-testid': testId,
}: AgentSelectProps) {
  const { t } = useTranslation('agents');
  const [query, setQuery] = useState('');
  const [options, setOptions] = useState<Option[]>([]);
  const [current, setCurrent] = useState<Option | null>(null);

  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      void api('agent.list', { query: query || undefined, limit: 50, offset: 0 }).then(
        (r) =>
          live && setOptions(r.rows.map((a) => ({ value: a.id, label: a.name, tier: a.tier }))),
        () => live && setOptions([]),
      );
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [query]);

  // The chosen agent may not be among the first 50 matches: fetch its name.
  useEffect(() => {
    if (!value || current?.value === value) return;
    let live = true;
    void api('agent.get', { id: value }).then(
      (a) => live && setCurrent({ value: a.id, label: a.name, tier: a.tier }),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [value, current?.value]);

  const all = [...options];
  if (current && current.value === value && !all.some((o) => o.value === current.value)) {
    all.unshift(current);
  }

  return (
    <Select
      id={id}
      data-testid={testId}
      showSearch={{ filterOption: false, onSearch: setQuery }}
      allowClear={allowClear}
      disabled={disabled}
      style={{ minWidth: 220, ...style }}
      placeholder={placeholder ?? t('pickAgent')}
      value={value ?? undefined}
      onChange={(v: string | undefined) => {
        const picked = all.find((o) => o.value === v) ?? null;
        setCurrent(picked);
        onChange?.(v ?? null);
      }}
      options={all
        .filter((o) => o.value !== exclude)
        .map((o) => ({
          value: o.value,
          label: o.label,
          title: o.label,
          tier: o.tier,
        }))}
      optionRender={(o) => (
        <span>
          {o.data.label} <Tag style={{ marginLeft: 4 }}>{t(`tier.${o.data.tier as string}`)}</Tag>
        </span>
      )}
      notFoundContent={t('noAgents')}
    />
  );
}
