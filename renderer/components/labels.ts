// Labels of figure keys that the core gives in its own words.
import type { TFunction } from 'i18next';

/** 'order:platform' / 'expense:ads' → the fee's name in the user's language. */
export function feeLabel(t: TFunction, key: string): string {
  const [source, kind] = key.split(':');
  if (!source || !kind) return key || t('unattributed');
  return t(`feeKind.${source}.${kind}`, { ns: 'common', defaultValue: key });
}

/** A breakdown row's label, '' rows (no product, no group...) named as unattributed. */
export function rowLabel(t: TFunction, row: { key: string; label: string }): string {
  return row.key === '' ? t('unattributed', { ns: 'common' }) : row.label || row.key;
}
