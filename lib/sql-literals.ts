/**
 * The one place where values from configuration become SQL text. Each value is validated against what it
 * must look like, then quoted; anything else is refused with the setting's name. User data never comes
 * through here: it travels as statement parameters.
 */
import { ConfigError } from './errors';

/** A single-quoted SQL string literal. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** s3://bucket/key: bucket names by S3's rules; keys without quotes, backslashes or control characters. */
export function s3UriLiteral(setting: string, uri: string): string {
  if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/[^'"\\\u0000-\u001f]*$/.test(uri)) {
    throw new ConfigError(`The setting ${setting} must be an S3 URI like s3://bucket/prefix; got ${JSON.stringify(uri)}.`);
  }
  return quoteLiteral(uri);
}

/** An AWS region name such as us-west-2. */
export function regionLiteral(setting: string, region: string): string {
  if (!/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/.test(region)) {
    throw new ConfigError(`The setting ${setting} must be an AWS region such as us-west-2; got ${JSON.stringify(region)}.`);
  }
  return quoteLiteral(region);
}

/** IAM_ROLE's argument: the keyword default (the namespace's default role) or a role ARN. */
export function iamRoleLiteral(setting: string, role: string): string {
  if (role === 'default') return 'default';
  if (!/^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/.test(role)) {
    throw new ConfigError(
      `The setting ${setting} must be "default" or an IAM role ARN like arn:aws:iam::123456789012:role/name; got ${JSON.stringify(role)}.`,
    );
  }
  return quoteLiteral(role);
}

/** A whole number within bounds, written as SQL. */
export function integerLiteral(setting: string, value: number, min: number, max: number): string {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`The setting ${setting} must be a whole number from ${min} to ${max}; got ${value}.`);
  }
  return String(value);
}

/** A plain lowercase SQL identifier (table or column name from our own SQL files). */
export function identifier(setting: string, name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,126}$/.test(name)) {
    throw new ConfigError(`The ${setting} ${JSON.stringify(name)} is not a plain lowercase SQL name.`);
  }
  return name;
}
