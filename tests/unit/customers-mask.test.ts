import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { maskAddress, maskPhone } from '../../core/customers/mask';
import { normalisePhone } from '../../core/customers/phone';

describe('maskPhone', () => {
  it.each([
    ['13812345678', '138****5678'],
    ['+442079460958', '+44******0958'],
    ['12345', '1***5'],
    ['1234567', '1*****7'],
    ['88886666', '8******6'],
    ['12', '**'],
  ])('%s -> %s', (phone, masked) => expect(maskPhone(phone)).toBe(masked));

  it('keeps null as null', () => expect(maskPhone(null)).toBeNull());

  it('keeps the length and hides at least half of a short number and four digits of a long one', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{5,20}$/), (p) => {
        const m = maskPhone(p);
        expect(Array.from(m)).toHaveLength(p.length);
        const hidden = m.replace(/[^*]/g, '').length;
        expect(hidden).toBeGreaterThanOrEqual(p.length >= 11 ? 4 : p.length / 2);
      }),
    );
  });
});

describe('maskAddress', () => {
  it.each([
    ['浙江省杭州市西湖区文三路100号', '浙江省杭州市西湖区****'],
    ['北京市朝阳区建国路88号SOHO', '北京市朝阳区****'],
    ['广西壮族自治区南宁市青秀区民族大道1号', '广西壮族自治区南宁市青秀区****'],
    ['江苏省苏州市昆山市玉山镇1号', '江苏省苏州市昆山市****'],
    ['杭州市12号楼', '杭州市****'],
    ['221B Baker Street', '22****'],
    ['浙江省杭州市西湖区', '浙江省杭州市西湖区'],
  ])('%s -> %s', (text, masked) => expect(maskAddress(text)).toBe(masked));

  it('hides every digit of the house number', () => {
    expect(maskAddress('上海市浦东新区张江路1234弄5号')).not.toMatch(/\d/);
  });
});

describe('normalisePhone', () => {
  it.each([
    ['138 1234 5678', '13812345678'],
    ['+86-138-1234-5678', '13812345678'],
    ['0086 13812345678', '13812345678'],
    ['(0571) 8888-6666', '057188886666'],
    ['0044 20 7946 0958', '+442079460958'],
    ['１３８１２３４５６７８', '13812345678'],
    ['12ab', null],
    ['1234', null],
    ['+', null],
  ])('%s -> %s', (raw, normal) => expect(normalisePhone(raw)).toBe(normal));
});
