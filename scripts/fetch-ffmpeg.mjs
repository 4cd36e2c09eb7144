// Release step: puts pinned ffmpeg/ffprobe builds for each OS and architecture under
// build/ffmpeg/bin/<os>-<arch>/ (electron-builder copies the one being packaged to resources/ffmpeg/),
// each download checked against the sha256 recorded in build/ffmpeg/checksums.json, with the GPL text
// and a source offer beside the binaries.
//   node scripts/fetch-ffmpeg.mjs [--target linux-x64 ...] [--dry-run] [--offline] [--pin] [--allow-unpinned]
// Without --target: the current machine's OS and architecture (CI packages on each OS).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const TARGETS = ['linux-x64', 'linux-arm64', 'mac-x64', 'mac-arm64', 'win-x64', 'win-arm64'];
const CHECKSUMS = 'build/ffmpeg/checksums.json';
const CACHE = 'build/ffmpeg/cache';
const BIN = 'build/ffmpeg/bin';

/** electron-builder's ${os}-${arch} for this machine. */
export function hostTarget() {
  const osName = { darwin: 'mac', win32: 'win', linux: 'linux' }[process.platform] ?? process.platform;
  return `${osName}-${process.arch}`;
}

/** Reads checksums.json and lists every problem with it (an empty list means it is usable). */
export function checkManifest(manifest) {
  const problems = [];
  if (!manifest || typeof manifest !== 'object') return ['checksums.json is not an object'];
  if (typeof manifest.ffmpegVersion !== 'string') problems.push('ffmpegVersion is missing');
  if (!manifest.licenceFile || !existsSync(manifest.licenceFile)) problems.push(`the licence text ${manifest.licenceFile ?? '(none)'} is missing`);
  if (!/^https:\/\//.test(manifest.source?.ffmpeg ?? '')) problems.push('source.ffmpeg (the source offer) must be an https URL');
  for (const target of TARGETS) {
    const archives = manifest.targets?.[target];
    if (!Array.isArray(archives) || !archives.length) {
      problems.push(`${target}: no archive`);
      continue;
    }
    const names = archives.flatMap((a) => Object.keys(a.extract ?? {}));
    const exe = target.startsWith('win-') ? '.exe' : '';
    for (const tool of ['ffmpeg', 'ffprobe']) if (!names.includes(tool + exe)) problems.push(`${target}: nothing gives ${tool}${exe}`);
    for (const a of archives) {
      if (!/^https:\/\//.test(a.url ?? '')) problems.push(`${target}: ${a.url} is not an https URL`);
      if (a.sha256 !== null && !/^[0-9a-f]{64}$/.test(a.sha256 ?? '')) problems.push(`${target}: ${a.url} has a malformed sha256`);
    }
  }
  return problems;
}

export function sha256File(file) {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => hash.update(d))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

/** Throws unless `file` hashes to `expected`. */
export async function verifyArchive(file, expected) {
  const actual = await sha256File(file);
  if (actual !== expected) throw new Error(`${path.basename(file)}: sha256 ${actual} does not match the recorded ${expected}; not bundling it.`);
}

const cacheFile = (url) => path.join(CACHE, `${createHash('sha256').update(url).digest('hex').slice(0, 12)}-${path.basename(new URL(url).pathname)}`);

/** Whether `url`'s host answers at all (a HEAD, 10 s); the reason when it does not. */
async function reachable(url) {
  try {
    await fetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(10000) });
    return null;
  } catch (err) {
    return err?.cause?.code ?? err?.code ?? err?.message ?? String(err);
  }
}

async function download(url, file) {
  const res = await fetch(url, { signal: AbortSignal.timeout(600000) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, Buffer.from(await res.arrayBuffer()));
}

/** Finds `pattern` ("*" is one path segment) under `dir`. */
function findIn(dir, pattern) {
  const parts = pattern.split('/');
  const walk = (base, i) => {
    if (i === parts.length) return existsSync(base) && statSync(base).isFile() ? base : null;
    const names = parts[i] === '*' ? readdirSync(base).filter((n) => statSync(path.join(base, n)).isDirectory() || i === parts.length - 1) : [parts[i]];
    for (const n of names) {
      const hit = existsSync(path.join(base, n)) ? walk(path.join(base, n), i + 1) : null;
      if (hit) return hit;
    }
    return null;
  };
  return walk(dir, 0);
}

function extract(archive, into) {
  if (archive.endsWith('.zip')) execFileSync(process.platform === 'win32' ? 'tar' : 'unzip', process.platform === 'win32' ? ['-xf', archive, '-C', into] : ['-q', archive, '-d', into]);
  else execFileSync('tar', ['-xf', archive, '-C', into]);
}

function sourceOffer(manifest, target) {
  return [
    `The ffmpeg and ffprobe programs in this folder (${target}) are FFmpeg ${manifest.ffmpegVersion}, built with GPL components and`,
    `distributed under the ${manifest.licence} (the full text is in GPL-3.0.txt beside this file).`,
    '',
    'Corresponding source: the FFmpeg source is at',
    `  ${manifest.source.ffmpeg}`,
    'and the build scripts and library versions used for these builds at',
    ...manifest.source.buildScripts.map((u) => `  ${u}`),
    '',
    'For three years from the date you received this program, the Storyreel maintainers will also send a',
    'copy of that complete corresponding source on request, for no more than the cost of sending it; ask',
    'through the project issue tracker.',
    '',
    'Archives bundled (sha256):',
    ...manifest.targets[target].map((a) => `  ${a.url}  ${a.sha256 ?? 'UNPINNED'}`),
    '',
  ].join('\n');
}

export async function main(argv = process.argv.slice(2)) {
  const flag = (name) => argv.includes(name);
  const targets = argv.flatMap((a, i) => (argv[i - 1] === '--target' ? [a] : []));
  const wanted = targets.length ? targets : [hostTarget()];
  const manifest = JSON.parse(readFileSync(CHECKSUMS, 'utf8'));
  const problems = checkManifest(manifest);
  for (const t of wanted) if (!TARGETS.includes(t)) problems.push(`unknown target ${t} (one of ${TARGETS.join(', ')})`);
  if (problems.length) {
    console.error(`fetch-ffmpeg: ${CHECKSUMS} is not usable:\n  ${problems.join('\n  ')}`);
    return 1;
  }
  const archives = wanted.flatMap((t) => manifest.targets[t].map((a) => ({ ...a, target: t })));
  const unpinned = archives.filter((a) => !a.sha256);
  console.log(`fetch-ffmpeg: ${CHECKSUMS} checked: FFmpeg ${manifest.ffmpegVersion}, ${TARGETS.length} targets, ${archives.length} archive(s) for ${wanted.join(', ')}, ${unpinned.length} not pinned yet.`);

  // What is already here is checked in every mode.
  for (const a of archives) {
    const cached = cacheFile(a.url);
    if (a.sha256 && existsSync(cached)) {
      await verifyArchive(cached, a.sha256);
      console.log(`fetch-ffmpeg: ${path.basename(cached)} in the cache matches its recorded sha256.`);
    }
  }
  if (flag('--dry-run')) {
    console.log('fetch-ffmpeg: skipping download: --dry-run (nothing is downloaded or bundled).');
    return 0;
  }
  if (flag('--offline')) {
    console.log('fetch-ffmpeg: skipping download: --offline; the app will use the ffmpeg on PATH, or the one its banner asks for.');
    return 0;
  }
  const why = await reachable(archives[0].url);
  if (why) {
    console.log(`fetch-ffmpeg: skipping download: ${new URL(archives[0].url).host} cannot be reached from this machine (${why}); the packaging config was still checked, and an installer built here bundles no ffmpeg.`);
    return 0;
  }
  if (unpinned.length && !flag('--pin') && !flag('--allow-unpinned')) {
    // Never bundle an unverified binary. A creator's own `npm run dist` still builds an installer (without
    // ffmpeg: the app then uses the one in Settings or on PATH); a release build passes --require-pinned.
    const say = `fetch-ffmpeg: not bundling archives with no recorded sha256:\n  ${unpinned.map((a) => a.url).join('\n  ')}\nRun with --pin on a trusted machine, review and commit ${CHECKSUMS}.`;
    if (flag('--require-pinned')) {
      console.error(say);
      return 1;
    }
    console.log(`${say}\nThe installer built now bundles no ffmpeg.`);
    return 0;
  }
  for (const a of archives) {
    const cached = cacheFile(a.url);
    if (!existsSync(cached)) {
      console.log(`fetch-ffmpeg: downloading ${a.url}`);
      await download(a.url, cached);
    }
    if (flag('--pin') && !a.sha256) {
      const sum = await sha256File(cached);
      const entry = manifest.targets[a.target].find((x) => x.url === a.url);
      entry.sha256 = sum;
      console.log(`fetch-ffmpeg: pinned ${a.url} = ${sum}`);
    } else if (a.sha256) {
      await verifyArchive(cached, a.sha256);
    } else {
      console.warn(`fetch-ffmpeg: WARNING ${a.url} is not pinned (--allow-unpinned); do not publish this build.`);
    }
  }
  if (flag('--pin')) writeFileSync(CHECKSUMS, JSON.stringify(manifest, null, 2) + '\n');
  for (const t of wanted) {
    const out = path.join(BIN, t);
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    for (const a of manifest.targets[t]) {
      const tmp = mkdtempSync(path.join(os.tmpdir(), 'storyreel-ffmpeg-'));
      try {
        extract(cacheFile(a.url), tmp);
        for (const [name, pattern] of Object.entries(a.extract)) {
          const found = findIn(tmp, pattern);
          if (!found) throw new Error(`${a.url}: ${pattern} is not in the archive`);
          copyFileSync(found, path.join(out, name));
          chmodSync(path.join(out, name), 0o755);
        }
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    }
    copyFileSync(manifest.licenceFile, path.join(out, 'GPL-3.0.txt'));
    writeFileSync(path.join(out, 'SOURCE-OFFER.txt'), sourceOffer(manifest, t));
    console.log(`fetch-ffmpeg: ${out} ready.`);
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(`fetch-ffmpeg: ${err.message}`);
      process.exit(1);
    },
  );
}
