#!/usr/bin/env node
// The `foreman` command. Foreman is TypeScript everywhere; tsx runs it without a build step,
// so a fresh clone works right after `npm install`.
import { register } from 'tsx/esm/api';

// The lockfile pins AWS SDK versions that run on Node 20; their notice about future releases
// needing Node 22 would otherwise open every command's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
await import('../clients/cli/main.ts');
