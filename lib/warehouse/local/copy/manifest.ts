/**
 * `COPY … FROM 's3://bucket/x.manifest' MANIFEST`: the objects to load are the manifest's entries, not a
 * prefix's keys. The rules, as Redshift documents them ("Using a manifest to specify data files", COPY
 * examples): the manifest is JSON, `{"entries": [{"url": "s3://bucket/key", "mandatory": true}, …]}`; each
 * url names the bucket and the full key of ONE object, not a prefix; a missing object fails the COPY when its
 * entry is mandatory (the default is false) and is skipped otherwise; whatever the mandatory flags, a COPY
 * that finds no file at all fails. Other keys of an entry (`meta`, which UNLOAD writes) are not COPY's.
 * Objects are loaded in the manifest's order.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { LoadError } from '../../../errors';
import type { S3Mounts, S3Object } from './s3-mounts';

export function manifestObjects(uri: string, mounts: S3Mounts, table: string): S3Object[] {
  const fail = (why: string): never => {
    throw new LoadError(`COPY … MANIFEST from ${uri}: ${why}`, table);
  };
  const manifest = mounts.resolve(uri);
  if (!existsSync(manifest.path) || !statSync(manifest.path).isFile()) {
    fail(`the manifest does not exist (no file ${manifest.path}). Nothing was loaded.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(manifest.path, 'utf8'));
  } catch (e) {
    fail(`the manifest is not valid JSON (${(e as Error).message}). Nothing was loaded.`);
  }
  const entries = (parsed as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(entries)) fail('the manifest has no "entries" list ({"entries": [{"url": "s3://…", "mandatory": true}]}). Nothing was loaded.');
  const found: S3Object[] = [];
  for (const [i, entry] of (entries as unknown[]).entries()) {
    const { url, mandatory = false } = (entry ?? {}) as { url?: unknown; mandatory?: unknown };
    if (typeof url !== 'string' || !url.startsWith('s3://')) fail(`entry ${i + 1} has no "url" of the form s3://bucket/key. Nothing was loaded.`);
    if (typeof mandatory !== 'boolean') fail(`entry ${i + 1} (${url as string}) has a "mandatory" that is not true or false. Nothing was loaded.`);
    const object = mounts.resolve(url as string);
    // The full key of one object: a folder (a prefix of other keys) is not one.
    if (existsSync(object.path) && statSync(object.path).isFile()) found.push(object);
    else if (mandatory) {
      fail(
        `the mandatory file ${url as string} was not found (entry ${i + 1} of ${(entries as unknown[]).length}). Nothing was loaded: a manifest ` +
          'names every part of a load, so a part that is gone means the data changed under the load (a new stage, a deleted part). Run the load again.',
      );
    }
  }
  if (found.length === 0) fail(`none of its ${(entries as unknown[]).length} files was found. Nothing was loaded.`);
  return found;
}
