#!/usr/bin/env node
// The `hejie-gateway` command. The compiled program is in dist/ (`pnpm run build`); this file
// exists before it, so that installing the workspace can link the command.
import '../dist/cli.js'
