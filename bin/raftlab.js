#!/usr/bin/env node
// The package's `raftlab` command. The CLI is TypeScript (src/cli); tsx's loader runs it in this
// same process, so this file stays a two-line shim and there is no build step.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/main.ts')
