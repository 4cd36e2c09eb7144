// npm run bridge -- [project-dir] [--port N] [--no-build]: the real services behind the bridge, for working
// on the UI in a browser. It builds the renderer it serves first (vite build --mode bridge, into
// dist-renderer-bridge/), so the URL it prints answers with the code in this checkout; --no-build serves
// the last build as it is. Loopback only.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promises as fs } from 'node:fs';
import { parseArgs } from 'node:util';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { createLog } from '../../electron/services/log.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject, readProject } from '../../electron/services/projects/store.ts';
import { ConfirmStub } from './confirm.ts';
import { BasicTextSecrets } from './keyring.ts';
import { startBridge } from './server.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { port: { type: 'string' }, 'no-build': { type: 'boolean' } } });
const repo = path.resolve(import.meta.dirname, '..', '..');
const staticDir = path.join(repo, 'dist-renderer-bridge');
if (!values['no-build']) {
  console.error('building the renderer for the bridge (vite build --mode bridge)…');
  const built = spawnSync('npx', ['vite', 'build', '--mode', 'bridge', '--logLevel', 'warn'], { cwd: repo, stdio: 'inherit', shell: process.platform === 'win32' });
  if (built.status !== 0) {
    console.error('The renderer did not build (see above); nothing is served.');
    process.exit(1);
  }
} else if (!existsSync(path.join(staticDir, 'index.html'))) {
  console.error(`There is no build in ${staticDir} to serve. Run npm run bridge without --no-build.`);
  process.exit(1);
}
let dir = positionals[0] ? path.resolve(positionals[0]) : '';
if (!dir) {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-bridge-'));
  const example = await readProject(path.join(repo, 'examples', 'first-film'));
  await createProject(dir, { title: example.title, style: example.style, size: example.size, scenes: example.scenes });
}
// STORYREEL_BRIDGE_KEYRING=basic_text: a Linux desktop with no keyring (a saved key is kept for the session until the creator answers).
const secrets = process.env.STORYREEL_BRIDGE_KEYRING === 'basic_text' ? new BasicTextSecrets(process.env) : new EnvSecrets(process.env);
const log = createLog({ echo: (l) => console.error(l), secrets: () => secrets.all() });
// Main's dialog (a new key address, a looser budget cap): answered by STORYREEL_BRIDGE_CONFIRM=yes, else no.
const confirm = new ConfirmStub(process.env.STORYREEL_BRIDGE_CONFIRM === 'yes', (q, yes) => console.error(`main asks: ${q.message} → ${yes ? 'yes' : 'no'}`));
const app = new Storyreel({ version: 'dev', ffmpeg: resolveFfmpeg({ env: process.env }), settings: new MemorySettings(), secrets, log, owner: 'bridge', env: process.env, dialogs: confirm.dialogs() });
await app.openProject(dir);
const port = values.port ? Number(values.port) : 0;
const bridge = await startBridge(app, { staticDir, port, log }).catch(async (err: NodeJS.ErrnoException) => {
  await app.shutdown();
  if (err.code !== 'EADDRINUSE') throw err;
  // One line that says which port and what to type, not an EADDRINUSE trace.
  console.error(`Port ${port} on 127.0.0.1 is already in use (another bridge still running?). Choose another, or leave --port out for a free one: npm run bridge -- --port ${port + 1}`);
  process.exit(1);
});
console.log(`project: ${dir}\nopen: ${bridge.pageUrl}`);
const stop = async () => {
  await bridge.close();
  await app.shutdown();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
