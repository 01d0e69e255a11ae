// Overload resolution for operators and functions, after PostgreSQL's
// func_select_candidate() (parse_func.c), so that Flint picks the same
// operator or function for the same argument types as PostgreSQL does:
//   1. an exact match wins (for binary operators, an unknown literal is first
//      assumed to have the other operand's type);
//   2. keep candidates every argument converts to implicitly;
//   3. prefer the most exact type matches, then the most preferred types;
//   4. resolve unknown literals by category, string first;
//   5. last resort: treat unknowns as the one known type.

import type { TypeId } from './sql-type.ts';
import { isPreferredType, isUnknown, typeCategory, type TypeCategory } from './type-info.ts';
import { canCastImplicitly } from './cast.ts';

/**
 * A parameter slot: a concrete type, PostgreSQL's anynonarray / "any"
 * pseudo-types, or text[], which Flint (having no array types yet) accepts
 * only as an untyped literal in array syntax ('{a,b}'), as PostgreSQL would
 * also accept it.
 */
export type ParamType = TypeId | 'anynonarray' | 'any' | 'text[]' | PhantomType;

/**
 * Types PostgreSQL has and Flint does not (json, arrays, geometry). Operators
 * on them are listed only so that resolution sees the same ambiguities as
 * PostgreSQL ('{}' -> 'a' is ambiguous there between json and jsonb); a call
 * that resolves to one of them is reported as not existing.
 */
export type PhantomType = 'json' | 'anyarray' | 'lseg' | 'xid' | 'macaddr';

export function isPhantom(p: ParamType): p is PhantomType {
  return p === 'json' || p === 'anyarray' || p === 'lseg' || p === 'xid' || p === 'macaddr';
}

export interface Signature {
  readonly args: readonly ParamType[];
}

export type Resolution<C> = { kind: 'found'; candidate: C } | { kind: 'none' } | { kind: 'ambiguous' };

function isPolymorphic(p: ParamType): p is 'anynonarray' | 'any' {
  return p === 'anynonarray' || p === 'any';
}

/** Category of a parameter slot; pseudo-types are PostgreSQL's 'P', arrays 'A'. */
function slotCategory(p: ParamType): TypeCategory | 'P' | 'A' | 'G' {
  if (p === 'text[]') return 'A';
  if (p === 'json' || p === 'xid' || p === 'macaddr') return 'U';
  if (p === 'anyarray') return 'P';
  if (p === 'lseg') return 'G';
  return isPolymorphic(p) ? 'P' : typeCategory(p);
}

function slotPreferred(p: ParamType): boolean {
  return !isPolymorphic(p) && p !== 'text[]' && !isPhantom(p) && isPreferredType(p);
}

function coercible(input: TypeId, param: ParamType): boolean {
  if (isPolymorphic(param)) return true;
  if (param === 'text[]' || isPhantom(param)) return input === 'unknown';
  return input === param || canCastImplicitly(input, param);
}

function allCoercible(inputs: readonly TypeId[], args: readonly ParamType[]): boolean {
  for (let i = 0; i < inputs.length; i++) if (!coercible(inputs[i]!, args[i]!)) return false;
  return true;
}

function keepBest<C extends Signature>(candidates: C[], score: (c: C) => number): C[] {
  let best = -1;
  let kept: C[] = [];
  for (const c of candidates) {
    const s = score(c);
    if (s > best) {
      best = s;
      kept = [c];
    } else if (s === best) {
      kept.push(c);
    }
  }
  return kept;
}

/**
 * Picks the candidate PostgreSQL would pick for these argument types.
 * `binaryOperator` turns on the unknown-literal exact-match rule of
 * binary_oper_exact().
 */
export function selectCandidate<C extends Signature>(all: readonly C[], inputsIn: readonly TypeId[], binaryOperator = false): Resolution<C> {
  const inputs = inputsIn.map((t) => (t === 'null' ? 'unknown' : t));
  const nargs = inputs.length;
  const sized = all.filter((c) => c.args.length === nargs);
  // 1. Exact match.
  const exact = sized.find((c) => c.args.every((a, i) => a === inputs[i]));
  if (exact !== undefined && !inputs.includes('unknown')) return { kind: 'found', candidate: exact };
  if (binaryOperator && nargs === 2) {
    const [l, r] = inputs as [TypeId, TypeId];
    const assumed: TypeId[] | undefined = isUnknown(l) && !isUnknown(r) ? [r, r] : isUnknown(r) && !isUnknown(l) ? [l, l] : undefined;
    if (assumed !== undefined) {
      const match = sized.find((c) => c.args[0] === assumed[0] && c.args[1] === assumed[1]);
      if (match !== undefined) return { kind: 'found', candidate: match };
    }
  }
  // 2. Implicitly coercible candidates.
  let candidates = sized.filter((c) => allCoercible(inputs, c.args));
  if (candidates.length === 0) return { kind: 'none' };
  if (candidates.length === 1) return { kind: 'found', candidate: candidates[0]! };
  // 3a. Most exact matches on known inputs.
  candidates = keepBest(candidates, (c) => c.args.reduce<number>((n, a, i) => n + (inputs[i] !== 'unknown' && a === inputs[i] ? 1 : 0), 0));
  if (candidates.length === 1) return { kind: 'found', candidate: candidates[0]! };
  // 3b. Most exact-or-preferred types where the input is known.
  candidates = keepBest(candidates, (c) =>
    c.args.reduce<number>((n, a, i) => {
      const input = inputs[i]!;
      if (input === 'unknown') return n;
      const preferredHere = slotPreferred(a) && slotCategory(a) === typeCategory(input);
      return n + (a === input || preferredHere ? 1 : 0);
    }, 0),
  );
  if (candidates.length === 1) return { kind: 'found', candidate: candidates[0]! };
  // 4. Unknown literals: choose a category per position, string if offered.
  if (inputs.includes('unknown')) {
    const slotCat: (TypeCategory | 'P' | 'A' | 'G' | undefined)[] = [];
    const slotPref: boolean[] = [];
    let resolved = true;
    for (let i = 0; i < nargs && resolved; i++) {
      if (inputs[i] !== 'unknown') continue;
      let category: TypeCategory | 'P' | 'A' | 'G' | undefined;
      let preferred = false;
      let conflict = false;
      for (const c of candidates) {
        const a = c.args[i]!;
        const cat = slotCategory(a);
        if (category === undefined) {
          category = cat;
          preferred = slotPreferred(a);
        } else if (cat === category) {
          preferred ||= slotPreferred(a);
        } else if (cat === 'S') {
          category = cat;
          preferred = slotPreferred(a);
        } else {
          conflict = true;
        }
      }
      if (conflict && category !== 'S') resolved = false;
      slotCat[i] = category;
      slotPref[i] = preferred;
    }
    if (resolved) {
      candidates = candidates.filter((c) =>
        c.args.every((a, i) => inputs[i] !== 'unknown' || (slotCategory(a) === slotCat[i] && (!slotPref[i] || slotPreferred(a)))),
      );
      if (candidates.length === 1) return { kind: 'found', candidate: candidates[0]! };
    }
  }
  // 5. All known inputs share one type: assume the unknowns have it too.
  const known = inputs.filter((t) => t !== 'unknown');
  if (known.length > 0 && known.length < nargs && known.every((t) => t === known[0])) {
    const assumed = inputs.map(() => known[0]!);
    const matches = candidates.filter((c) => allCoercible(assumed, c.args));
    if (matches.length === 1) return { kind: 'found', candidate: matches[0]! };
  }
  return candidates.length === 0 ? { kind: 'none' } : { kind: 'ambiguous' };
}
