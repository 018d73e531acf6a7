// electron-builder.yml, validated offline with app-builder-lib's own schema (packaging needs
// the Electron zip, which cannot be downloaded here), plus the settings we rely on.
import { describe, expect, it } from 'vitest';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';
import type { Configuration } from 'app-builder-lib';
import { DEFAULT_FEED_URL } from '../../../electron/main/updater';

async function load(): Promise<Configuration> {
  return getConfig(process.cwd(), 'electron-builder.yml', null);
}

describe('electron-builder.yml', () => {
  it('passes the schema of app-builder-lib', async () => {
    const config = await load();
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('a typo would not pass (the check is real)', async () => {
    const config = { ...(await load()), npmRebuld: false } as Configuration;
    await expect(validateConfiguration(config, new DebugLogger(false))).rejects.toThrow(
      /npmRebuld/,
    );
  });

  it('names the app, packages the build output, and targets every OS', async () => {
    const c = await load();
    expect(c.appId).toBe('app.qundesk.desktop');
    expect(c.productName).toBe('QunDesk');
    expect(c.directories?.output).toBe('release');
    expect(JSON.stringify(c.files)).toContain('"out/**"');
    expect(c.linux?.target).toEqual(['AppImage', 'deb']);
    expect(c.win?.target).toEqual(['nsis']);
    expect(c.mac?.target).toEqual(['dmg', 'zip']);
  });

  it('keeps better-sqlite3 outside the asar and does not rebuild it on install', async () => {
    const c = await load();
    expect(c.asarUnpack).toContain('node_modules/better-sqlite3/**');
    expect(c.npmRebuild).toBe(false);
  });

  it('sets the fuses: no run-as-node, no inspect flags, no NODE_OPTIONS, app only from asar', async () => {
    const fuses = (await load()).electronFuses;
    expect(fuses).toMatchObject({
      runAsNode: false,
      enableNodeCliInspectArguments: false,
      enableNodeOptionsEnvironmentVariable: false,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('publishes to a generic feed that matches the updater default', async () => {
    const publish = (await load()).publish as { provider: string; url: string };
    expect(publish).toMatchObject({ provider: 'generic', url: DEFAULT_FEED_URL });
  });
});
