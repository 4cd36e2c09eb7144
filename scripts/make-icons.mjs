// Draws Storyreel's icon (a film strip with a play mark on a dark rounded square) with ffmpeg and writes
// the set electron-builder uses: build/icon.png (1024 px; mac .icns and win .ico are made from it),
// build/icon.ico (256 px) and build/icons/<n>x<n>.png for Linux. Run: node scripts/make-icons.mjs
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

const rounded = 'lte(pow(X-clip(X\\,224\\,800)\\,2)+pow(Y-clip(Y\\,224\\,800)\\,2)\\,25600)';
const band = '(between(Y\\,150\\,250)+between(Y\\,774\\,874))';
const hole = '(between(mod(X\\,96)\\,30\\,66)*(between(Y\\,180\\,220)+between(Y\\,804\\,844)))';
const play = '(gte(X\\,400)*lte(abs(Y-512)\\,(750-X)*212/350))';
// play mark (amber), perforations (paper), strip, background
const pick = (p, h, s, b) => `if(${play}\\,${p}\\,if(${hole}\\,${h}\\,if(${band}\\,${s}\\,${b})))`;
const geq = `geq=r='${pick(242, 232, 28, 17)}':g='${pick(165, 227, 31, 19)}':b='${pick(65, 213, 38, 23)}':a='255*${rounded}'`;

const ffmpeg = (args) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args], { stdio: 'inherit' });
mkdirSync('build/icons', { recursive: true });
ffmpeg(['-f', 'lavfi', '-i', 'color=c=black:s=1024x1024:d=1,format=rgba', '-vf', geq, '-frames:v', '1', 'build/icon.png']);
for (const n of [16, 24, 32, 48, 64, 128, 256, 512]) {
  ffmpeg(['-i', 'build/icon.png', '-vf', `scale=${n}:${n}:flags=lanczos`, '-frames:v', '1', `build/icons/${n}x${n}.png`]);
}
ffmpeg(['-i', 'build/icon.png', '-vf', 'scale=256:256:flags=lanczos', '-frames:v', '1', 'build/icon.ico']);
console.log('wrote build/icon.png, build/icon.ico and build/icons/*.png');
