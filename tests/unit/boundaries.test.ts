// The process boundaries are enforced by the linter: only electron/ imports electron, and
// renderer/ imports no node builtins and no store code.
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('process boundaries (lint)', () => {
  it("refuses 'electron' outside electron/", async () => {
    for (const file of ['core/x.ts', 'db/x.ts', 'server/x.ts', 'renderer/x.ts']) {
      expect(
        await ruleIds(file, "import { app } from 'electron';\nexport const a = app;\n"),
      ).toContain('no-restricted-imports');
    }
  });

  it("allows 'electron' in electron/", async () => {
    expect(
      await ruleIds(
        'electron/main/x.ts',
        "import { app } from 'electron';\nexport const a = app;\n",
      ),
    ).not.toContain('no-restricted-imports');
  });

  it('refuses node builtins and the store in renderer/', async () => {
    for (const src of [
      "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
      "import { join } from 'path';\nexport const j = join;\n",
      "import Database from 'better-sqlite3';\nexport const d = Database;\n",
      "import { openStore } from '../db/store';\nexport const o = openStore;\n",
    ]) {
      expect(await ruleIds('renderer/x.ts', src), src).toContain('no-restricted-imports');
    }
  });

  it('allows node builtins in core/', async () => {
    expect(
      await ruleIds('core/x.ts', "import { join } from 'node:path';\nexport const j = join;\n"),
    ).not.toContain('no-restricted-imports');
  });
});
