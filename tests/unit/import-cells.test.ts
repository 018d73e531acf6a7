import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { isUtf8 } from 'node:buffer';
import { readAmount, readDay, readStatus, readWhole, readYesNo } from '../../core/imports/cells';
import { decodeText } from '../../core/imports/sheet';
import { headerKey, suggestMapping } from '../../core/imports/fields';
import { displayWidth } from '../../core/cli/table';

const value = <T>(r: { value: T } | { reason: string }) => ('value' in r ? r.value : r.reason);

describe('reading cells', () => {
  it('reads one day from every way sheets write it (property)', () => {
    const days = fc.date({
      min: new Date('1990-01-01T00:00:00Z'),
      max: new Date('2090-12-31T00:00:00Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(days, fc.integer({ min: 0, max: 23 }), (d, hour) => {
        const y = d.getUTCFullYear();
        const m = d.getUTCMonth() + 1;
        const day = d.getUTCDate();
        const iso = `${y}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
        const serial = Math.round((Date.UTC(y, m - 1, day) - Date.UTC(1899, 11, 30)) / 86_400_000);
        for (const written of [
          iso,
          `${iso} ${String(hour).padStart(2, '0')}:05:09`,
          `${iso}T${String(hour).padStart(2, '0')}:05`,
          `${y}/${m}/${day}`,
          `${y}/${String(m).padStart(2, '0')}/${String(day).padStart(2, '0')} ${hour}:05`,
          `${y}年${m}月${day}日`,
          `${y}年${m}月${day}日 ${hour}:05`,
          new Date(Date.UTC(y, m - 1, day, hour)),
          serial,
          serial + hour / 24,
        ]) {
          expect(value(readDay(written))).toBe(iso);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('refuses days that do not exist, and text that is no day', () => {
    expect(value(readDay('2026-02-29'))).toBe('2026-02-29 is not a real date');
    expect(value(readDay('2024-02-29'))).toBe('2024-02-29');
    expect(value(readDay('next friday'))).toContain('is not a date');
    expect(value(readDay(0))).toContain('is not a date');
  });

  it('reads amounts half-up once, from text or number cells alike (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 999 }),
        (whole, milli) => {
          const text = `${whole}.${String(milli).padStart(3, '0')}`;
          const expected = whole * 100 + Math.floor(milli / 10) + (milli % 10 >= 5 ? 1 : 0);
          const fromText = readAmount(text, 2);
          const fromNumber = readAmount(Number(text), 2);
          expect('value' in fromText && fromText.value.minor).toBe(expected);
          expect('value' in fromNumber && fromNumber.value.minor).toBe(expected);
        },
      ),
    );
    expect(value(readAmount('¥1,234.50元', 2))).toEqual({ minor: 123450, exact: 123_450_000_000 });
    expect(value(readAmount('-1', 2))).toBe('must be 0 or more');
    expect(value(readAmount('-1', 2, true))).toMatchObject({ minor: -100 });
    expect(value(readAmount('abc', 2))).toContain('not an amount');
  });

  it('reads whole numbers, yes/no and statuses in English and Chinese', () => {
    expect(value(readWhole('3.0', 1))).toBe(3);
    expect(value(readWhole(2, 1))).toBe(2);
    expect(value(readWhole('0', 1))).toBe('must be more than 0');
    expect(value(readWhole('2.5', 1))).toContain('not a whole number');
    expect([true, '是', 'Yes', '1', '√'].map((c) => value(readYesNo(c)))).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect([false, '否', 'no', '0'].map((c) => value(readYesNo(c)))).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(
      ['已付款', '待发货', '已发货', '交易成功', '已取消', '待付款', 'Canceled', 'PAID'].map((c) =>
        value(readStatus(c)),
      ),
    ).toEqual([
      'paid',
      'paid',
      'shipped',
      'completed',
      'cancelled',
      'confirmed',
      'cancelled',
      'paid',
    ]);
  });
});

describe('decoding CSV bytes', () => {
  it('reads GBK, UTF-8 with or without BOM, and UTF-16 the same (property)', () => {
    const chinese = fc.string({
      unit: fc.constantFrom(...'张三李四王五草莓蜂蜜订单号金额，、。老客户团购价'),
      minLength: 1,
      maxLength: 40,
    });
    fc.assert(
      fc.property(chinese, (text) => {
        const gbk = iconv.encode(text, 'gbk');
        // Bytes that are valid UTF-8 too ('莓莓莓' is) read as UTF-8: the one ambiguity left.
        fc.pre(!isUtf8(gbk));
        expect(decodeText(gbk)).toBe(text);
        expect(decodeText(Buffer.from(text, 'utf8'))).toBe(text);
        expect(
          decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])),
        ).toBe(text);
        expect(
          decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])),
        ).toBe(text);
      }),
    );
  });
});

describe('column mapping', () => {
  it('matches headers loosely and never gives one column to two fields', () => {
    expect(headerKey(' 单价（元） ')).toBe('单价');
    expect(headerKey('Order_No.')).toBe('orderno');
    expect(suggestMapping('orders', ['unit_cost', '成本', '金额', 'Price', '数量'])).toEqual({
      unit_cost: 'unit_cost',
      unit_price: 'Price',
      quantity: '数量',
      line_total: '金额',
    });
  });

  it('measures terminal width with Chinese characters as two cells', () => {
    expect(displayWidth('草莓 A1')).toBe(7);
    expect(displayWidth('abc')).toBe(3);
  });
});
