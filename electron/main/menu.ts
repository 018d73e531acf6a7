// The application menu as data: File (backup, restore, quit), Edit, View (reload, and
// devtools in development), Help (about). Labels in Chinese or English from the OS locale.
import type { MenuItemConstructorOptions } from 'electron';

export type MenuLanguage = 'zh' | 'en';

const LABELS = {
  zh: {
    file: '文件',
    backup: '备份数据…',
    restore: '从备份恢复…',
    quit: '退出',
    edit: '编辑',
    view: '视图',
    reload: '重新加载',
    devTools: '开发者工具',
    resetZoom: '实际大小',
    zoomIn: '放大',
    zoomOut: '缩小',
    fullScreen: '全屏',
    help: '帮助',
    about: '关于 QunDesk',
  },
  en: {
    file: 'File',
    backup: 'Back Up Data…',
    restore: 'Restore from Backup…',
    quit: 'Quit',
    edit: 'Edit',
    view: 'View',
    reload: 'Reload',
    devTools: 'Developer Tools',
    resetZoom: 'Actual Size',
    zoomIn: 'Zoom In',
    zoomOut: 'Zoom Out',
    fullScreen: 'Full Screen',
    help: 'Help',
    about: 'About QunDesk',
  },
} as const;

export function menuLanguage(locale: string): MenuLanguage {
  return locale.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export interface MenuActions {
  backup(): void;
  restore(): void;
  about(): void;
}

export function menuTemplate(
  actions: MenuActions,
  options: { language: MenuLanguage; dev: boolean; isMac: boolean },
): MenuItemConstructorOptions[] {
  const t = LABELS[options.language];
  const view: MenuItemConstructorOptions[] = [
    { label: t.reload, role: 'reload' },
    ...(options.dev
      ? ([{ label: t.devTools, role: 'toggleDevTools' }] as MenuItemConstructorOptions[])
      : []),
    { type: 'separator' },
    { label: t.resetZoom, role: 'resetZoom' },
    { label: t.zoomIn, role: 'zoomIn' },
    { label: t.zoomOut, role: 'zoomOut' },
    { type: 'separator' },
    { label: t.fullScreen, role: 'togglefullscreen' },
  ];
  return [
    ...(options.isMac ? ([{ role: 'appMenu' }] as MenuItemConstructorOptions[]) : []),
    {
      label: t.file,
      submenu: [
        { label: t.backup, accelerator: 'CmdOrCtrl+Shift+B', click: () => actions.backup() },
        { label: t.restore, click: () => actions.restore() },
        { type: 'separator' },
        { label: t.quit, role: 'quit' },
      ],
    },
    { label: t.edit, role: 'editMenu' },
    { label: t.view, submenu: view },
    { label: t.help, role: 'help', submenu: [{ label: t.about, click: () => actions.about() }] },
  ];
}

/** Texts of the native dialogs main shows, in the same language as the menu. */
export const DIALOG_TEXT = {
  zh: {
    yes: '是',
    no: '否',
    ok: '确定',
    cancel: '取消',
    backupTitle: '备份数据',
    backupDone: (file: string) => `备份已保存：${file}`,
    restoreTitle: '从备份恢复',
    restoreConfirm: '用所选备份替换当前全部数据吗？当前数据会先另存一份。',
    restoreDone: (safety: string) => `已恢复。恢复前的数据已另存为：${safety}`,
    failed: '操作失败',
    sqliteFilter: 'QunDesk 数据',
    downloadQuestion: (v: string) => `发现新版本 ${v}，现在下载吗？`,
    restartQuestion: (v: string) => `新版本 ${v} 已下载，现在重启并安装吗？`,
    aboutDetail: (version: string, store: string) => `版本 ${version}\n数据文件：${store}`,
  },
  en: {
    yes: 'Yes',
    no: 'No',
    ok: 'OK',
    cancel: 'Cancel',
    backupTitle: 'Back up data',
    backupDone: (file: string) => `Backup saved: ${file}`,
    restoreTitle: 'Restore from backup',
    restoreConfirm:
      'Replace all current data with the chosen backup? A copy of the current data is kept first.',
    restoreDone: (safety: string) => `Restored. The data from before is kept at: ${safety}`,
    failed: 'It did not work',
    sqliteFilter: 'QunDesk data',
    downloadQuestion: (v: string) => `QunDesk ${v} is available. Download it now?`,
    restartQuestion: (v: string) => `QunDesk ${v} is downloaded. Restart now to install it?`,
    aboutDetail: (version: string, store: string) => `Version ${version}\nData file: ${store}`,
  },
} as const;
