import { afterEach, describe, expect, it } from 'vitest';
import { newBusiness, type TestBusiness } from '../support/store';

let biz: TestBusiness;
afterEach(async () => biz?.close());

describe('workspace', () => {
  it('initialises once and refuses a second init without changing anything', async () => {
    biz = await newBusiness();
    const before = biz.snapshot();
    const again = await biz.core.call('workspace.init', { name: 'x' });
    expect(again.ok).toBe(false);
    expect(!again.ok && again.error.code).toBe('INVALID_STATE');
    expect(biz.snapshot()).toEqual(before);
    const got = await biz.core.invoke('workspace.get', {});
    expect(got.settings?.currency).toBe('CNY');
    expect(got.settings?.refundWindowDays).toBe(7);
  });

  it('rejects bad input with the field named', async () => {
    biz = await newBusiness({ init: false });
    const r = await biz.core.call('workspace.init', { currency: 'XYZ' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('VALIDATION');
      expect(r.error.details?.issues?.[0]?.path).toBe('currency');
    }
    expect((await biz.core.invoke('workspace.get', {})).settings).toBeNull();
  });

  it('refuses unknown methods', async () => {
    biz = await newBusiness();
    const r = await biz.core.call('nope.nothing', {});
    expect(!r.ok && r.error.code).toBe('UNKNOWN_METHOD');
  });

  it('passes the integrity check', async () => {
    biz = await newBusiness();
    expect((await biz.core.invoke('store.integrity', {})).ok).toBe(true);
  });
});
