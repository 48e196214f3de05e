/**
 * Who listens on a TCP port, where the OS tells (Linux: /proc/net/tcp{,6} give the socket's
 * inode, /proc/<pid>/fd links name it). Best effort and bounded: undefined elsewhere, for
 * another user's process, or when the look-up takes too long.
 */
import * as fs from 'fs';

export interface PortOwner {
  pid: number;
  command: string;
}

const LISTEN = '0A';

export async function portOwner(port: number, budgetMs = 500): Promise<PortOwner | undefined> {
  if (process.platform !== 'linux') return undefined;
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = await fs.promises.readFile(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      if (!local || cols[3] !== LISTEN) continue;
      if (parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port && cols[9]) inodes.add(cols[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  const deadline = Date.now() + budgetMs;
  let pids: string[];
  try {
    pids = (await fs.promises.readdir('/proc')).filter((n) => /^\d+$/.test(n));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    if (Date.now() > deadline) return undefined;
    let fds: string[];
    try {
      fds = await fs.promises.readdir(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = await fs.promises.readlink(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m && inodes.has(m[1]!)) return { pid: Number(pid), command: await commandOf(pid) };
    }
  }
  return undefined;
}

async function commandOf(pid: string): Promise<string> {
  try {
    const argv = (await fs.promises.readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
    if (argv.length > 0) return argv.join(' ').slice(0, 200);
  } catch {
    // fall through to comm
  }
  try {
    return (await fs.promises.readFile(`/proc/${pid}/comm`, 'utf8')).trim();
  } catch {
    return '?';
  }
}
