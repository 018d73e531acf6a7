// The application menu as data (no 'electron' needed: the template is plain objects).
import { describe, expect, it, vi } from 'vitest';
import { menuLanguage, menuTemplate } from '../../../electron/main/menu';

const actions = { backup: vi.fn(), restore: vi.fn(), about: vi.fn() };

type Item = { label?: string; role?: string; submenu?: Item[]; click?: () => void };
const find = (items: Item[], label: string) => items.find((i) => i.label === label);

describe('application menu', () => {
  it('has File (backup, restore, quit), Edit, View and Help (about)', () => {
    const menu = menuTemplate(actions, { language: 'en', dev: false, isMac: false }) as Item[];
    expect(menu.map((i) => i.label)).toEqual(['File', 'Edit', 'View', 'Help']);
    const file = find(menu, 'File')!.submenu!;
    find(file, 'Back Up Data…')!.click!();
    find(file, 'Restore from Backup…')!.click!();
    expect(find(file, 'Quit')!.role).toBe('quit');
    find(find(menu, 'Help')!.submenu!, 'About QunDesk')!.click!();
    expect(actions.backup).toHaveBeenCalledOnce();
    expect(actions.restore).toHaveBeenCalledOnce();
    expect(actions.about).toHaveBeenCalledOnce();
  });

  it('offers developer tools only in development', () => {
    const roles = (dev: boolean) =>
      (menuTemplate(actions, { language: 'zh', dev, isMac: false }) as Item[])
        .find((i) => i.label === '视图')!
        .submenu!.map((i) => i.role);
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(true)).toContain('toggleDevTools');
    expect(roles(false)).toContain('reload');
  });

  it('speaks Chinese for zh locales, English otherwise', () => {
    expect(menuLanguage('zh-CN')).toBe('zh');
    expect(menuLanguage('zh-TW')).toBe('zh');
    expect(menuLanguage('en-US')).toBe('en');
    expect(menuLanguage('')).toBe('en');
  });
});
