#!/usr/bin/env node
// The `foreman` command. Foreman is TypeScript everywhere; tsx runs it without a build step,
// so a fresh clone works right after `npm install`.
import { register } from 'tsx/esm/api';

register();
await import('../clients/cli/main.ts');
