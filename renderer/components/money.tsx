// Amounts on screen: the same text as exports and the CLI (formatAmount of core/money), in the
// workspace currency.
import { useMemo } from 'react';
import { currency as currencyOf, formatAmount, type Currency } from '../../core/money';
import { useApi } from '../api/hooks';

const FALLBACK: Currency = { code: 'CNY', decimals: 2, symbol: '¥' };

/** The workspace currency (CNY until the workspace is read). */
export function useCurrency(): Currency {
  const ws = useApi('workspace.get', {});
  const code = ws.data?.settings?.currency;
  return useMemo(() => {
    if (!code) return FALLBACK;
    try {
      return currencyOf(code);
    } catch {
      return FALLBACK;
    }
  }, [code]);
}

/** "1234.50" → "1,234.50" (digits grouped for reading; the decimals are formatAmount's). */
export function groupDigits(text: string): string {
  const [whole, frac] = text.split('.');
  const neg = whole!.startsWith('-');
  const digits = neg ? whole!.slice(1) : whole!;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${grouped}${frac !== undefined ? `.${frac}` : ''}`;
}

/** Formats minor units for screen: plain (as in exports) or grouped with the symbol. */
export function useMoney() {
  const c = useCurrency();
  return useMemo(
    () => ({
      currency: c,
      /** Exactly formatAmount's text ("1234.50"): what exports and the CLI print. */
      plain: (minor: number) => formatAmount(minor, c.decimals),
      /** "¥1,234.50" for tables and charts. */
      text: (minor: number) => `${c.symbol}${groupDigits(formatAmount(minor, c.decimals))}`,
      /** Minor units as a major-unit number, for chart axes only (never stored). */
      major: (minor: number) => minor / 10 ** c.decimals,
    }),
    [c],
  );
}
