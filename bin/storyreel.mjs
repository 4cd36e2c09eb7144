#!/usr/bin/env node
// Runs the command-line interface from source through tsx, so it is always the code in this checkout.
import { register } from 'tsx/esm/api';

register();
await import('../electron/cli.ts');
