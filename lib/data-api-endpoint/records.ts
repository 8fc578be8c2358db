/**
 * Rows of the local warehouse as GetStatementResult returns them: each value in the Field member the Data
 * API uses for its type (longValue for integers, doubleValue for floats, booleanValue, isNull; stringValue
 * for decimals, dates, timestamps and text), and a ColumnMetadata per column named with Redshift's type names.
 */

export interface ResultColumn {
  readonly name: string;
  /** The Postgres type OID PGlite reports. */
  readonly dataTypeID: number;
}

type Kind = 'long' | 'double' | 'boolean' | 'string';

/** Postgres type OIDs by the Redshift type name ColumnMetadata gives and the Field member that carries the value. */
const TYPES: Readonly<Record<number, { readonly name: string; readonly kind: Kind }>> = {
  16: { name: 'bool', kind: 'boolean' },
  20: { name: 'int8', kind: 'long' },
  21: { name: 'int2', kind: 'long' },
  23: { name: 'int4', kind: 'long' },
  26: { name: 'oid', kind: 'long' },
  700: { name: 'float4', kind: 'double' },
  701: { name: 'float8', kind: 'double' },
  1700: { name: 'numeric', kind: 'string' },
  1042: { name: 'bpchar', kind: 'string' },
  1043: { name: 'varchar', kind: 'string' },
  25: { name: 'text', kind: 'string' },
  19: { name: 'name', kind: 'string' },
  1082: { name: 'date', kind: 'string' },
  1083: { name: 'time', kind: 'string' },
  1114: { name: 'timestamp', kind: 'string' },
  1184: { name: 'timestamptz', kind: 'string' },
};

const typeOf = (column: ResultColumn) => TYPES[column.dataTypeID] ?? { name: 'varchar', kind: 'string' as const };

/**
 * The service's ColumnMetadata shape. The local warehouse reports only names and types, so precision, scale,
 * length, schema and table are left at zero or empty, and nullability as unknown (2, as JDBC numbers it).
 */
export function columnMetadata(columns: readonly ResultColumn[]): Record<string, unknown>[] {
  return columns.map((column) => {
    const { name, kind } = typeOf(column);
    return {
      name: column.name,
      label: column.name,
      typeName: name,
      isSigned: kind === 'long' || kind === 'double' || name === 'numeric',
      isCaseSensitive: kind === 'string' && name !== 'numeric',
      isCurrency: false,
      nullable: 2,
      precision: 0,
      scale: 0,
      length: 0,
      schemaName: '',
      tableName: '',
    };
  });
}

export function encodeRecords(rows: readonly (readonly unknown[])[], columns: readonly ResultColumn[]): Record<string, unknown>[][] {
  const kinds = columns.map((c) => typeOf(c).kind);
  return rows.map((row) => columns.map((_, i) => encodeValue(row[i], kinds[i]!)));
}

function encodeValue(value: unknown, kind: Kind): Record<string, unknown> {
  if (value === null || value === undefined) return { isNull: true };
  if (kind === 'boolean' && typeof value === 'boolean') return { booleanValue: value };
  if (kind === 'long' && typeof value === 'number') return { longValue: value };
  // JSON has no NaN or Infinity: those travel as text, as from the service.
  if (kind === 'double' && typeof value === 'number' && Number.isFinite(value)) return { doubleValue: value };
  return { stringValue: typeof value === 'object' ? JSON.stringify(value) : String(value) };
}
