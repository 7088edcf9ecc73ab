#!/usr/bin/env -S node --max-semi-space-size=16
// The `hejie-gateway` command. The compiled program is in dist/ (`pnpm run build`); this file
// exists before it, so that installing the workspace can link the command. The first line
// starts Node.js with the gateway's V8 settings (src/node-flags.ts).
import '../dist/cli.js'
