// Values of PostgreSQL's OID alias types (regclass, regtype, regproc,
// regnamespace, regrole): an object's OID together with its name. PostgreSQL
// looks the name up in its output function; Flint looks it up when the value
// is made (a cast from text or oid, under the statement's own view of the
// catalog, ./eval-context.ts SystemContext), so printing a value needs no
// catalog access. Comparison, hashing and the cast to oid use the OID only.

export class RegOid {
  readonly oid: number;
  /** The output form: the (quoted if needed) name, or the OID's digits when nothing has that OID. */
  readonly text: string;
  constructor(oid: number, text: string) {
    this.oid = oid;
    this.text = text;
  }
}

/** The OID alias types, and what kind of object each one names. */
export type RegTypeId = 'regclass' | 'regtype' | 'regproc' | 'regnamespace' | 'regrole';

export function isRegType(id: string): id is RegTypeId {
  return id === 'regclass' || id === 'regtype' || id === 'regproc' || id === 'regnamespace' || id === 'regrole';
}
