#!/usr/bin/env node
// The `storyreel` command. It runs the built CLI (dist-cli/cli.mjs, made by `npm run build` or
// `npm run build:cli`), which starts about as fast as node itself.
//
// In a checkout the build can be missing or older than the source. Then it runs the source through tsx
// (a dev dependency, so present in any checkout after `npm install`) with a one-line notice: a developer
// always runs the code in front of them, never a stale build, and is told how to get the fast start.
// A packed install always has the build (`prepack` makes it) and no sources.json, so it never pays for
// the check.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = `${root}dist-cli/cli.mjs`;

/** Why the build cannot be used in this checkout, or null when it can. */
function notUsable() {
  if (!existsSync(built)) return 'dist-cli/ is not built';
  const listFile = `${root}dist-cli/sources.json`;
  if (!existsSync(listFile) || !existsSync(`${root}electron/cli.ts`)) return null;
  const builtAt = statSync(built).mtimeMs;
  for (const rel of JSON.parse(readFileSync(listFile, 'utf8'))) {
    let changedAt = 0;
    try {
      changedAt = statSync(`${root}${rel}`).mtimeMs;
    } catch {
      return `${rel} was removed since dist-cli/ was built`;
    }
    if (changedAt > builtAt) return `${rel} changed since dist-cli/ was built`;
  }
  return null;
}

const why = notUsable();
if (!why) {
  await import(pathToFileURL(built).href);
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write(`storyreel: ${why}, and tsx is not installed to run the source. In ${root} run: npm install && npm run build:cli\n`);
    process.exit(1);
  }
  process.stderr.write(`storyreel: ${why}; running the source through tsx (slow start). \`npm run build:cli\` makes it start fast.\n`);
  register();
  await import(pathToFileURL(`${root}electron/cli.ts`).href);
}
