// Pieces the customers, groups, products and orders pages share: pickers that search the
// store as the seller types (never a whole list in memory), and the glue that sends a form to
// the core and puts the contract's field errors back on it.
import { useEffect, useRef, useState, type CSSProperties } from 'react';
import { App, Select, Tag, type FormInstance } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/client';
import i18n from '../i18n';
import { showFieldErrors } from '../api/hooks';
import { useWorkspaceMoney } from './useWorkspaceMoney';

interface PickOption {
  value: string;
  label: string;
  hint?: string;
}

interface PickerProps {
  value?: string | null;
  onChange?: (id: string | null, label?: string) => void;
  placeholder?: string;
  allowClear?: boolean;
  autoFocus?: boolean;
  disabled?: boolean;
  style?: CSSProperties;
  id?: string;
  'data-testid'?: string;
}

/** A search-as-you-type Select over `load(query)`; `one(id)` names a value outside the hits. */
function SearchSelect({
  load,
  one,
  value,
  onChange,
  placeholder,
  allowClear = true,
  autoFocus,
  disabled,
  style,
  id,
  'data-testid': testId,
  notFound,
}: PickerProps & {
  load: (query: string) => Promise<PickOption[]>;
  one: (id: string) => Promise<PickOption>;
  notFound: string;
}) {
  const [query, setQuery] = useState('');
  const [options, setOptions] = useState<PickOption[]>([]);
  const [current, setCurrent] = useState<PickOption | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;
  const oneRef = useRef(one);
  oneRef.current = one;

  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      loadRef.current(query).then(
        (rows) => live && setOptions(rows),
        () => live && setOptions([]),
      );
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [query]);

  useEffect(() => {
    if (!value || current?.value === value) return;
    let live = true;
    oneRef.current(value).then(
      (o) => live && setCurrent(o),
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
      autoFocus={autoFocus}
      disabled={disabled}
      style={{ minWidth: 220, ...style }}
      placeholder={placeholder}
      value={value ?? undefined}
      onChange={(v: string | undefined) => {
        const picked = all.find((o) => o.value === v) ?? null;
        setCurrent(picked);
        onChange?.(v ?? null, picked?.label);
      }}
      options={all.map((o) => ({ value: o.value, label: o.label, title: o.label, hint: o.hint }))}
      optionRender={(o) => (
        <span>
          {o.data.label}
          {o.data.hint ? <Tag style={{ marginLeft: 6 }}>{o.data.hint as string}</Tag> : null}
        </span>
      )}
      notFoundContent={notFound}
    />
  );
}

/** Picks a customer by name, pinyin initials, phone or WeChat id (customer.search). */
export function CustomerSelect(props: PickerProps) {
  const { t } = useTranslation('customers');
  return (
    <SearchSelect
      {...props}
      placeholder={props.placeholder ?? t('pickCustomer')}
      notFound={t('noMatch')}
      load={async (query) => {
        const q = query.trim();
        const rows = q
          ? await api('customer.search', { query: q, limit: 20 })
          : (await api('customer.list', { limit: 20, offset: 0 })).rows;
        return rows.map((c) => ({
          value: c.id,
          label: c.name,
          hint: c.phone ?? c.wechatId ?? undefined,
        }));
      }}
      one={async (id) => {
        const c = await api('customer.get', { id });
        return { value: c.id, label: c.name, hint: c.phone ?? undefined };
      }}
    />
  );
}

export interface PickedProduct {
  id: string;
  sku: string;
  name: string;
  retailPrice: number;
  groupPrice: number | null;
  onHand: number;
}

/** Picks a product by SKU or name (product.list); onPick hands over its prices too. */
export function ProductSelect(props: PickerProps & { onPick?: (p: PickedProduct | null) => void }) {
  const { t } = useTranslation('products');
  const cache = useRef(new Map<string, PickedProduct>());
  const { onPick, onChange, ...rest } = props;
  return (
    <SearchSelect
      {...rest}
      placeholder={props.placeholder ?? t('pickProduct')}
      notFound={t('noMatch')}
      onChange={(id, label) => {
        onChange?.(id, label);
        onPick?.(id ? (cache.current.get(id) ?? null) : null);
      }}
      load={async (query) => {
        const { rows } = await api('product.list', {
          query: query.trim() || undefined,
          active: true,
          includeDeleted: false,
          limit: 30,
          offset: 0,
        });
        for (const p of rows) cache.current.set(p.id, p);
        return rows.map((p) => ({
          value: p.id,
          label: `${p.sku} ${p.name}`,
          hint: String(p.onHand),
        }));
      }}
      one={async (id) => {
        const p = await api('product.get', { id });
        cache.current.set(p.id, p);
        return { value: p.id, label: `${p.sku} ${p.name}` };
      }}
    />
  );
}

/**
 * Sends a form's call to the core. On a validation error the contract's field issues land on
 * the form's fields (nothing was saved: the core rolls back) and anything else is shown as a
 * message. Resolves to the result, or undefined when it failed.
 */
export function useFormCall() {
  const { message } = App.useApp();
  const { t } = useTranslation();
  return async function call<T>(
    form: FormInstance | null,
    fn: () => Promise<T>,
    fieldMap?: Record<string, string>,
  ): Promise<T | undefined> {
    try {
      return await fn();
    } catch (error) {
      const rest = form ? showFieldErrors(form, error, fieldMap) : errorText(error);
      void message.error(rest ? `${t('nothingSaved')}: ${rest}` : t('nothingSaved'));
      return undefined;
    }
  };
}

/** An error in the seller's language when the core names its reason, else its own message. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    const details = (error.details ?? {}) as Record<string, unknown>;
    const key = `common:errorReasons.${String(details.reason)}`;
    if (typeof details.reason === 'string' && i18n.exists(key)) return i18n.t(key, details);
  }
  return error instanceof Error ? error.message : String(error);
}

/** Money text typed into a form → minor units; null means "not a number" (shown on the field). */
export function useMoneyFields() {
  const money = useWorkspaceMoney();
  const { t } = useTranslation('orders');
  return {
    ...money,
    /**
     * The field's text as minor units. Blank text gives `blank` ('omit': undefined, so the
     * core applies its own default). Text that is not an amount marks the field and throws.
     */
    read(
      form: FormInstance,
      name: (string | number)[] | string,
      text: unknown,
      blank: number | 'omit' = 0,
    ): number | undefined {
      const s = text == null ? '' : String(text).trim();
      if (s === '') return blank === 'omit' ? undefined : blank;
      const v = money.parse(s);
      if (v === null) {
        form.setFields([{ name, errors: [t('notAmount')] }]);
        throw new MoneyTextError();
      }
      return v;
    },
  };
}

export class MoneyTextError extends Error {
  constructor() {
    super('not an amount');
  }
}

/** Lets Enter in any field submit the form (implicit submission needs a submit button). */
export function EnterSubmits() {
  return <button type="submit" style={{ display: 'none' }} aria-hidden tabIndex={-1} />;
}

/** Order / campaign status colours, one place. */
export const STATUS_COLOR: Record<string, string> = {
  draft: 'default',
  confirmed: 'blue',
  paid: 'green',
  shipped: 'cyan',
  completed: 'purple',
  cancelled: 'red',
  open: 'blue',
  succeeded: 'green',
  failed: 'red',
  closed: 'default',
};
