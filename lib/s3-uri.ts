/**
 * S3 addressing shared by the local COPY emulation, the configuration and the clients that reach S3: kept
 * apart from both (no AWS SDK, no local warehouse) so that whatever imports it stays light.
 */
import { ConfigError } from './errors';

export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.*)$/.exec(uri);
  if (!m) throw new ConfigError(`"${uri}" is not an S3 URI of the form s3://bucket/key.`);
  return { bucket: m[1]!, key: m[2]! };
}

/**
 * The S3 endpoint the environment names instead of AWS's: AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL (the
 * SDK's own service-specific and global variables). Undefined: AWS.
 */
export function s3Endpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env['AWS_ENDPOINT_URL_S3'] || env['AWS_ENDPOINT_URL'] || undefined;
}

/**
 * What an S3 client is built with for `region` and the environment's endpoint. With an endpoint set (a local
 * server, an S3-compatible store) requests are path-style (http://host/bucket/key): the SDK's default,
 * virtual-hosted style, would put the bucket in the host name, which a server on 127.0.0.1 cannot answer to.
 */
export function s3ClientConfig(region: string, env: NodeJS.ProcessEnv = process.env): { region: string; endpoint?: string; forcePathStyle?: boolean } {
  const endpoint = s3Endpoint(env);
  return endpoint === undefined ? { region } : { region, endpoint, forcePathStyle: true };
}
