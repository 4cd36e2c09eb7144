// --region on the command line: checked before anything opens (a usage error naming the regions there are),
// and documented in --help with `storyreel models`. Where a region's requests go: tests/unit/provider-settings.test.ts.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { cli, makeCliProject } from '../helpers/provider-run.ts';

let root: string;
before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-region-'));
});
after(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

test('render --region: an unknown region is a usage error naming the ones there are; --help documents it', { timeout: 60000 }, async () => {
  const dir = await makeCliProject(root, 'film', { provider: 'preview', model: 'animatic', size: '640x360', scenes: [['A lantern', 1]] }, {});
  const r = await cli(['render', dir, '--provider', 'ark', '--region', 'mars'], root, { ARK_API_KEY: '' }).done;
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--region mars: no provider has that region\. ark: byteplus \(BytePlus ModelArk \(ap-southeast\)\), cn \(Volcengine Ark \(cn-beijing\)\)/);
  assert.match(r.stderr, /^Usage: storyreel render /m);
  const help = await cli(['--help'], root, {}).done;
  assert.match(help.stdout, /--region R +ark: cn for Volcengine Ark \(https:\/\/ark\.cn-beijing\.volces\.com\/api\/v3\)/);
  assert.match(help.stdout, /storyreel models \[--provider ID\] \[--refresh openrouter\]/);
});
