#!/usr/bin/env node
// Browser mode (`npm run web`): registers tsx so the TypeScript host runs without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../core/host/web-main.ts');
