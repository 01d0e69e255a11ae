// SQL types on the wire: PostgreSQL's type OIDs and lengths (what a client
// sees in RowDescription and ParameterDescription, and sends in Parse), and
// values in the text and binary formats. The OIDs themselves are
// sql/types/type-oids.ts's, which the system catalogs share.

import type { SqlType } from '../sql/types/sql-type.ts';
import { typeOidOf, typeForOid as oidToType, type WireType } from '../sql/types/type-oids.ts';

export function wireType(type: SqlType): WireType {
  return typeOidOf(type);
}

export { typeModifier } from '../sql/types/type-oids.ts';

/** The SQL type a client named by OID in Parse, or undefined to infer it (0, unknown, or a type Flint lacks). */
export function typeForOid(oid: number): SqlType | undefined {
  return oidToType(oid);
}
