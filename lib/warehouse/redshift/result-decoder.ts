/**
 * Turns GetStatementResult's records into rows like the local warehouse's: integers and floats as numbers,
 * booleans, NULL as null, and text for everything else — decimals, dates and timestamps arrive as strings
 * and stay strings, so no precision is lost on the way.
 */
import type { ColumnMetadata, Field } from '@aws-sdk/client-redshift-data';
import { SparkifyError } from '../../errors';
import type { Row, SqlValue } from '../warehouse';

/** Redshift type names (as ColumnMetadata.typeName gives them) whose values are numbers or booleans. */
export const NUMBER_TYPES = new Set(['int2', 'int4', 'int8', 'smallint', 'integer', 'bigint', 'float4', 'float8', 'real', 'double precision', 'float', 'oid']);
const BOOLEAN_TYPES = new Set(['bool', 'boolean']);

export function decodeRows(columns: readonly ColumnMetadata[], records: readonly Field[][]): Row[] {
  const names = columns.map((c, i) => c.label ?? c.name ?? `column${i + 1}`);
  const types = columns.map((c) => (c.typeName ?? '').toLowerCase());
  return records.map((record) => {
    const row: Row = {};
    record.forEach((field, i) => {
      row[names[i] ?? `column${i + 1}`] = decodeField(field, types[i] ?? '');
    });
    return row;
  });
}

/**
 * A value by the member the service filled, then by the column's type: a number or boolean column whose
 * value came as text (NaN and Infinity cannot travel as JSON numbers) still decodes to a number or boolean.
 */
export function decodeField(field: Field, type: string): SqlValue {
  if (field.isNull) return null;
  if (field.booleanValue !== undefined) return field.booleanValue;
  if (field.longValue !== undefined) return field.longValue;
  if (field.doubleValue !== undefined) return field.doubleValue;
  if (field.stringValue !== undefined) {
    if (NUMBER_TYPES.has(type)) return Number(field.stringValue);
    if (BOOLEAN_TYPES.has(type)) return field.stringValue === 't' || field.stringValue === 'true';
    return field.stringValue;
  }
  if (field.blobValue !== undefined) return Buffer.from(field.blobValue).toString('hex');
  throw new SparkifyError(`The Data API returned a value of a kind this tool does not know (${JSON.stringify(field.$unknown?.[0])}).`);
}
