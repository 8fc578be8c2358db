/**
 * Symbolic links in a local source folder, as users make them (song_data/ on another disk, a month's folder
 * linked in): a walk follows them to folders and files, and refuses, naming the link, one that points nowhere
 * or loops back into a folder it is in (which would never end). S3 has no links; locally they only change where
 * the bytes are.
 */
import { type Dirent, readlinkSync, realpathSync, statSync } from 'node:fs';
import { ConfigError } from '../../../errors';

export type EntryKind = 'file' | 'directory' | 'other';

/** What a folder's entry is, a link followed to what it points at. */
export function entryKind(path: string, entry: Dirent): EntryKind {
  if (!entry.isSymbolicLink()) return entry.isDirectory() ? 'directory' : entry.isFile() ? 'file' : 'other';
  let stat;
  try {
    stat = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw loop(path, 'leads back to itself through other links');
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new ConfigError(
        `The source's symbolic link ${path} points to ${readlinkSync(path)}, which does not exist. ` +
          'Mount or restore what it points to, or remove the link.',
      );
    }
    throw e;
  }
  return stat.isDirectory() ? 'directory' : stat.isFile() ? 'file' : 'other';
}

/**
 * The real folders a walk is inside, with `path` entered; a folder reached again (a link to a folder that
 * holds it) is refused.
 */
export function enter(path: string, inside: ReadonlySet<string>): ReadonlySet<string> {
  const real = realpathSync(path);
  if (inside.has(real)) throw loop(path, `leads back to ${real}, a folder that holds it, so following it would never end`);
  return new Set([...inside, real]);
}

function loop(path: string, how: string): ConfigError {
  return new ConfigError(`The source's symbolic link ${path} ${how}. Remove the link, or point it at a folder outside the one it is in.`);
}
