// Money on the agents, settlements and expenses pages: integer minor units shown and parsed
// with core/money in the workspace currency, so a figure reads the same on screen, in exports
// and in the CLI. Rates are basis points, shown as a percent with two decimals.
import { useMemo } from 'react';
import { currency, formatAmount, parseAmount } from '../../core/money';
import { useApi } from '../api/hooks';

export interface WorkspaceMoney {
  decimals: number;
  symbol: string;
  /** 12345 → "123.45" (no symbol: tables align better; the currency is shown in headers). */
  format: (minor: number) => string;
  /** 12345 → "¥123.45". */
  withSymbol: (minor: number) => string;
  /** "123.45" → 12345; null when not a number. */
  parse: (text: string) => number | null;
}

export function useWorkspaceMoney(): WorkspaceMoney {
  const ws = useApi('workspace.get', {});
  const code = ws.data?.settings?.currency ?? 'CNY';
  return useMemo(() => {
    const c = currency(code);
    const format = (minor: number) => formatAmount(minor, c.decimals);
    return {
      decimals: c.decimals,
      symbol: c.symbol,
      format,
      withSymbol: (minor: number) =>
        minor < 0 ? `-${c.symbol}${format(-minor)}` : `${c.symbol}${format(minor)}`,
      parse: (text: string) => parseAmount(text, c.decimals),
    };
  }, [code]);
}

/** 550 → "5.50%". */
export const formatRate = (bp: number): string => `${formatAmount(bp, 2)}%`;

/** "5.5" or "5.5%" → 550; null when not a number. */
export const parseRate = (text: string): number | null => parseAmount(text.replace(/%$/, ''), 2);

/** A dayjs-like value (DatePicker) to 'YYYY-MM-DD', or undefined. */
export function dayText(
  v: { format: (f: string) => string } | null | undefined,
): string | undefined {
  return v ? v.format('YYYY-MM-DD') : undefined;
}
