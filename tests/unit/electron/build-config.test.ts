// electron.vite.config.ts builds what main expects: the main and core-host entries, and a
// preload Electron can run in a sandboxed window (CommonJS: sandboxed preloads cannot be ES
// modules, and package.json's "type": "module" makes electron-vite emit ESM by default).
// `npx electron-vite build` itself runs in `npm run test:e2e`.
import { describe, expect, it } from 'vitest';
import config from '../../../electron.vite.config';

type Build = {
  lib?: { entry?: unknown; formats?: string[] };
  rolldownOptions?: { output?: { format?: string } };
};
const c = config as unknown as { main: { build: Build }; preload: { build: Build } };

describe('electron.vite.config.ts', () => {
  it('builds main and the core host utility process', () => {
    expect(Object.keys(c.main.build.lib?.entry as Record<string, string>).sort()).toEqual([
      'host',
      'index',
    ]);
  });

  // Expected to fail until the preload config emits CommonJS (see the issue 4 report):
  // when it does, remove `.fails`.
  it('emits the preload as CommonJS', () => {
    const b = c.preload.build;
    const cjs = b.lib?.formats?.includes('cjs') || b.rolldownOptions?.output?.format === 'cjs';
    expect(cjs).toBe(true);
  });
});
