// The app:// protocol handler: serves the built renderer with the CSP header and refuses any
// path that would leave its folder. Plain functions (Request/Response are Node's).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { createAppProtocolHandler, resolveAppPath } from '../../../electron/main/app-protocol';
import { contentSecurityPolicy } from '../../../electron/main/security';

let base: string;
let root: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'qundesk-proto-'));
  root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>QunDesk</title>');
  writeFileSync(join(root, 'assets', 'index-1.js'), 'console.log(1)');
  writeFileSync(join(base, 'secret.txt'), 'outside the renderer folder');
  writeFileSync(join(base, 'renderer-evil.txt'), 'a sibling with a shared prefix');
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('resolveAppPath', () => {
  it('maps app://qundesk paths into the renderer folder', () => {
    expect(resolveAppPath(root, 'app://qundesk/')).toEqual({
      ok: true,
      file: join(root, 'index.html'),
    });
    expect(resolveAppPath(root, 'app://qundesk/orders/123')).toEqual({
      ok: true,
      file: join(root, 'index.html'),
    });
    expect(resolveAppPath(root, 'app://qundesk/assets/index-1.js?v=1')).toEqual({
      ok: true,
      file: join(root, 'assets', 'index-1.js'),
    });
  });

  it.each([
    'app://qundesk/%2e%2e/secret.txt',
    'app://qundesk/%2E%2E%2Fsecret.txt',
    'app://qundesk/assets/..%2f..%2fsecret.txt',
    'app://qundesk/..%5csecret.txt',
    'app://qundesk/%2e%2e/renderer-evil.txt',
    'app://qundesk/index.html%00.js',
    'app://qundesk/%E0%A4%A',
  ])('never resolves %s outside the folder', (url) => {
    // The URL parser already folds plain dot segments (%2e%2e/) into the path; encoded
    // slashes and backslashes survive it and are refused after decoding.
    const r = resolveAppPath(root, url);
    if (r.ok) expect(r.file.startsWith(root + sep)).toBe(true);
  });

  it.each([
    'app://qundesk/..%2fsecret.txt',
    'app://qundesk/assets/..%2f..%2fsecret.txt',
    'app://qundesk/..%5csecret.txt',
    'app://qundesk/index.html%00.js',
  ])('refuses %s', (url) => {
    expect(resolveAppPath(root, url)).toEqual({ ok: false, status: 403 });
  });

  it('refuses other hosts and schemes', () => {
    expect(resolveAppPath(root, 'app://evil/index.html')).toEqual({ ok: false, status: 404 });
    expect(resolveAppPath(root, 'file:///etc/passwd')).toEqual({ ok: false, status: 404 });
    expect(resolveAppPath(root, 'not a url')).toEqual({ ok: false, status: 400 });
  });
});

describe('the protocol handler', () => {
  const csp = contentSecurityPolicy();
  const handle = () => createAppProtocolHandler({ root, csp });

  it('serves files with their type and the CSP header', async () => {
    const page = await handle()(new Request('app://qundesk/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toBe(csp);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('QunDesk');
    const script = await handle()(new Request('app://qundesk/assets/index-1.js'));
    expect(script.headers.get('content-type')).toMatch(/text\/javascript/);
  });

  it('never serves a file outside its folder, and keeps the CSP on refusals', async () => {
    for (const url of [
      'app://qundesk/%2e%2e/secret.txt',
      'app://qundesk/..%2fsecret.txt',
      'app://qundesk/assets/%2e%2e/%2e%2e/secret.txt',
    ]) {
      const r = await handle()(new Request(url));
      expect(r.status, url).not.toBe(200);
      expect(await r.text()).not.toContain('outside');
      expect(r.headers.get('content-security-policy')).toBe(csp);
    }
  });

  it('answers 404 for a missing file and 405 for a POST', async () => {
    expect((await handle()(new Request('app://qundesk/assets/missing.js'))).status).toBe(404);
    expect(
      (await handle()(new Request('app://qundesk/index.html', { method: 'POST', body: 'x' })))
        .status,
    ).toBe(405);
  });
});
