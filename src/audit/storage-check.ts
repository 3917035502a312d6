import { statfs } from 'node:fs/promises';
import { sep } from 'node:path';
import type { Alarms } from './alarms.js';

const GiB = 1024 ** 3;
const size = (n: number) => (n >= GiB ? `${(n / GiB).toFixed(1)} GiB` : `${Math.round(n / 1024 ** 2)} MiB`);

/** The folders whose file systems are watched: the data folder, and the media folder when it lives elsewhere. */
export function watchedFolders(dataDir: string, blobRoot: string | undefined): string[] {
  const out = [dataDir];
  if (blobRoot && blobRoot !== dataDir && !blobRoot.startsWith(dataDir + sep)) out.push(blobRoot);
  return out;
}

/**
 * Raises a storage alarm while free space under a watched folder is below the threshold and
 * clears it once space is back. The threshold is read on every check (from the live config).
 */
export async function checkFreeSpace(folders: string[], threshold: () => number, alarms: Alarms): Promise<void> {
  for (const folder of folders) {
    const key = `storage.space:${folder}`;
    let free: number;
    try {
      const s = await statfs(folder);
      free = s.bavail * s.bsize;
    } catch (err) {
      await alarms.raise(`storage.unreadable:${folder}`, 'warning', 'storage', `Cannot read free space under ${folder}: ${(err as Error).message}`);
      continue;
    }
    await alarms.clear(`storage.unreadable:${folder}`, `Free space under ${folder} can be read again`);
    const min = threshold();
    if (free < min) {
      await alarms.raise(key, 'alarm', 'storage', `Free space under ${folder} is ${size(free)}, below the ${size(min)} threshold`, { folder, freeBytes: free, thresholdBytes: min });
    } else {
      await alarms.clear(key, `Free space under ${folder} is back to ${size(free)} (threshold ${size(min)})`, { folder, freeBytes: free, thresholdBytes: min });
    }
  }
}
