import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { newBusiness, type TestBusiness } from '../support/store';
import { expectRefused } from '../support/customers-fixtures';
import { matchQuery, namePinyin, searchTerms } from '../../core/customers/search';

describe('search terms (pure)', () => {
  it('holds name suffixes, pinyin, initials, phone, last four and the WeChat id', () => {
    const terms = searchTerms({
      name: '张三丰',
      phone: '13812345678',
      wechatId: 'WXID_Zhang-3',
    }).split(' ');
    expect(terms).toEqual(
      expect.arrayContaining([
        '张三丰',
        '三丰',
        '丰',
        'zhangsanfeng',
        'zsf',
        '13812345678',
        '5678',
        'wxidzhang3',
      ]),
    );
  });

  it('reads a leading surname as a surname', () => {
    expect(namePinyin('单田芳').pinyin).toBe('shantianfang');
    expect(namePinyin('曾国藩').initials).toBe('zgf');
  });

  it('quotes user input safely and treats phone-like input as digits', () => {
    expect(matchQuery('')).toBeNull();
    expect(matchQuery('  -- ')).toBeNull();
    expect(matchQuery('"x" OR y*')).toBe('"x"* AND "or"* AND "y"*');
    expect(matchQuery('+86 138-1234')).toBe('"1381234"*');
    expect(matchQuery('张 三')).toBe('"张"* AND "三"*');
  });
});

describe('customer.search', () => {
  let biz: TestBusiness;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    biz = await newBusiness();
    const people = [
      { key: 'zhang', name: '张三丰', phone: '13812345678', wechatId: 'Taiji_Master' },
      { key: 'zs', name: '张三', phone: '13900007777' },
      { key: 'shan', name: '单田芳', phone: '0571-8888 6666' },
      { key: 'tom', name: 'Tom 李🌸', wechatId: 'tom.lee' },
      { key: 'other', name: '王五', phone: '15000001234' },
    ];
    for (const { key, ...p } of people) ids[key] = (await biz.core.invoke('customer.create', p)).id;
  });
  afterAll(async () => biz?.close());

  const find = async (query: string) =>
    (await biz.core.invoke('customer.search', { query })).map((h) =>
      Object.keys(ids).find((k) => ids[k] === h.id),
    );

  it.each([
    ['三丰', ['zhang']],
    ['丰', ['zhang']],
    ['张三', ['zs', 'zhang']],
    ['138', ['zhang']],
    ['138 1234', ['zhang']],
    ['+86 13812345678', ['zhang']],
    ['5678', ['zhang']],
    ['7777', ['zs']],
    ['zs', ['zs', 'zhang']],
    ['zsf', ['zhang']],
    ['zhangsanf', ['zhang']],
    ['ZHANG', ['zs', 'zhang']],
    ['sanfeng', ['zhang']],
    ['taiji', ['zhang']],
    ['taiji_m', ['zhang']],
    ['shan', ['shan']],
    ['stf', ['shan']],
    ['6666', ['shan']],
    ['tom l', ['tom']],
    ['李', ['tom']],
    ['tom.lee', ['tom']],
    ['nobody', []],
  ])('%s finds %j', async (query, expected) => {
    expect((await find(query)).sort()).toEqual([...expected].sort());
  });

  it('returns name, phone, WeChat id and tags, at most limit rows, newest first', async () => {
    const hits = await biz.core.invoke('customer.search', { query: '1', limit: 2 });
    expect(hits).toHaveLength(2);
    expect(hits[0]).toEqual({
      id: ids.other,
      name: '王五',
      phone: '15000001234',
      wechatId: null,
      tags: [],
    });
  });

  it('finds nothing for an empty query and refuses a limit above 50', async () => {
    expect(await biz.core.invoke('customer.search', { query: '   ' })).toEqual([]);
    await expectRefused(biz, 'customer.search', { query: 'a', limit: 51 }, 'VALIDATION', 'limit');
    await expectRefused(biz, 'customer.search', {}, 'VALIDATION', 'query');
  });
});

describe('deleted and erased customers are not found', () => {
  let biz: TestBusiness;
  afterEach(async () => biz?.close());

  it('by name, pinyin, phone or WeChat id', async () => {
    biz = await newBusiness();
    const gone = await biz.core.invoke('customer.create', {
      name: '冯宝宝',
      phone: '13511112222',
      wechatId: 'fbb',
    });
    const erased = await biz.core.invoke('customer.create', {
      name: '冯小宝',
      phone: '13511113333',
      wechatId: 'fxb',
    });
    const kept = await biz.core.invoke('customer.create', { name: '冯大宝' });
    await biz.core.invoke('customer.delete', { id: gone.id });
    await biz.core.invoke('customer.erase', { id: erased.id });
    for (const q of ['冯', 'feng', 'f', '1351111', '2222', '3333', 'fbb', 'fxb', '已注销']) {
      const hits = await biz.core.invoke('customer.search', { query: q });
      expect(
        hits.every((h) => h.id === kept.id),
        q,
      ).toBe(true);
    }
    expect((await biz.core.invoke('customer.list', { query: '冯' })).rows.map((r) => r.id)).toEqual(
      [kept.id],
    );
  });
});

describe('property: every customer is found by its own initials, phone and name substrings', () => {
  let biz: TestBusiness;
  beforeAll(async () => {
    biz = await newBusiness();
  });
  afterAll(async () => biz?.close());

  const hanChar = fc.constantFrom(
    ...'张王李赵钱孙周吴郑冯陈褚卫蒋沈韩杨朱秦尤许何吕施单曾解乐查三丰小明红花芳田国藩美丽'.split(
      '',
    ),
  );
  const latinChar = fc.constantFrom(...'abcxyzABC'.split(''));
  const name = fc
    .array(fc.oneof({ weight: 4, arbitrary: hanChar }, { weight: 1, arbitrary: latinChar }), {
      minLength: 1,
      maxLength: 6,
    })
    .map((cs) => cs.join(''));
  const phone = fc.stringMatching(/^1[3-9]\d{9}$/);

  it('holds for random names and phones', async () => {
    await fc.assert(
      fc.asyncProperty(name, phone, fc.nat(), fc.nat(), async (n, p, a, b) => {
        const c = await biz.core.invoke('customer.create', { name: n, phone: p });
        const chars = Array.from(n);
        const start = a % chars.length;
        const end = start + 1 + (b % (chars.length - start));
        const substring = chars.slice(start, end).join('');
        const initials = namePinyin(n).initials;
        for (const q of [initials, p, p.slice(0, 5), p.slice(-4), substring, n]) {
          const hits = await biz.core.invoke('customer.search', { query: q, limit: 50 });
          // Found among all matches: page through list (search caps at 50 rows).
          const found =
            hits.some((h) => h.id === c.id) ||
            (await biz.core.invoke('customer.list', { query: q, limit: 1000 })).rows.some(
              (r) => r.id === c.id,
            );
          if (!found) throw new Error(`customer ${n} / ${p} not found by "${q}"`);
        }
      }),
      { numRuns: 60 },
    );
  });
});
