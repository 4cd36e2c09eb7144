// Peak memory of a process and everything it started (ffmpeg children included): the resident set of
// every process in the tree, summed, sampled every few milliseconds from /proc (Linux). Pages shared by
// several processes (the ffmpeg binary, libraries) are counted in each, so the figure errs high.
import { readdirSync, readFileSync } from 'node:fs';

/** Parent of every process now: pid → ppid. */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid …": comm may hold spaces and parentheses; the last ')' ends it.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      map.set(Number(name), ppid);
    } catch {
      // gone since the listing
    }
  }
  return map;
}

function rssBytes(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The summed RSS of `root` and its descendants now. */
export function treeRss(root: number): { bytes: number; processes: number } {
  const parent = parents();
  const tree = new Set([root]);
  // Parents are listed before their children only by chance: repeat until nothing is added.
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parent) {
      if (!tree.has(pid) && tree.has(ppid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  let bytes = 0;
  for (const pid of tree) bytes += rssBytes(pid);
  return { bytes, processes: tree.size };
}

/** Samples the tree under `pid` until stop(); returns the highest sum seen and how many processes it had. */
export function sampleTree(pid: number, everyMs = 50): { stop(): { peakBytes: number; processes: number; samples: number } } {
  let peak = 0;
  let processes = 0;
  let samples = 0;
  const take = (): void => {
    const now = treeRss(pid);
    samples += 1;
    if (now.bytes > peak) {
      peak = now.bytes;
      processes = now.processes;
    }
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return { peakBytes: peak, processes, samples };
    },
  };
}
