#!/usr/bin/env node
// The `fis` command. TypeScript sources run through tsx, so there is no build step for the CLI.
import { register as registerHooks } from 'node:module';
import { register } from 'tsx/esm/api';

register();
// Commands that render dashboards (subscriptions) run server-side modules of the web app: there,
// the marker package "server-only" resolves to its server build, as in the web app's server bundle.
registerHooks(
  `data:text/javascript,${encodeURIComponent("export async function resolve(s, c, next) { return next(s, s === 'server-only' ? { ...c, conditions: [...c.conditions, 'react-server'] } : c); }")}`,
);
await import('../cli/main.ts');
