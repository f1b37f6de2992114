#!/usr/bin/env node
// The `fis` command. TypeScript sources run through tsx, so there is no build step for the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
