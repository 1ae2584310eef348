import { FILTER_INVALID } from './errors.js';

/** A comparison operator of AIP-160; `:` is "has" (contains, for text; membership, for lists). */
export type FilterOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | ':';

/** A value as written: its text, and whether it was quoted (a quoted `"3"` is text, a bare `3` may be a number). */
export interface FilterLiteral {
  text: string;
  quoted: boolean;
}

/** A parsed filter, before its fields are checked against what a list offers. */
export type FilterExpr =
  | { kind: 'and' | 'or'; args: FilterExpr[] }
  | { kind: 'not'; arg: FilterExpr }
  | { kind: 'compare'; field: string; op: FilterOp; value: FilterLiteral }
  | { kind: 'in'; field: string; values: FilterLiteral[] };

type Token =
  | { t: 'word'; v: string; at: number }
  | { t: 'string'; v: string; at: number }
  | { t: 'op'; v: FilterOp; at: number }
  | { t: '(' | ')' | ',' | '-'; at: number };

/** Longest filter accepted, and deepest nesting: a filter is a query, not a program. */
const MAX_LENGTH = 4096;
const MAX_DEPTH = 32;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      const start = i++;
      let v = '';
      for (;;) {
        if (i >= text.length) throw FILTER_INVALID({ why: `the string starting at character ${start + 1} is not closed with ${c}` });
        const d = text[i]!;
        if (d === '\\' && i + 1 < text.length) {
          v += text[i + 1];
          i += 2;
        } else if (d === c) {
          i++;
          break;
        } else {
          v += d;
          i++;
        }
      }
      out.push({ t: 'string', v, at: start });
    } else if (c === '(' || c === ')' || c === ',') {
      out.push({ t: c, at: i++ });
    } else if (c === '<' || c === '>' || c === '!' || c === '=' || c === ':') {
      const two = text.slice(i, i + 2);
      if (two === '<=' || two === '>=' || two === '!=') {
        out.push({ t: 'op', v: two, at: i });
        i += 2;
      } else if (c === '!') {
        throw FILTER_INVALID({ why: `"!" at character ${i + 1} must be followed by "=" (use NOT to negate)` });
      } else {
        out.push({ t: 'op', v: c as FilterOp, at: i++ });
      }
    } else if (c === '-' && (out.length === 0 || ['(', 'op', ','].includes(out[out.length - 1]!.t) || isKeyword(out[out.length - 1]!)) && !/[0-9.]/.test(text[i + 1] ?? '')) {
      // A leading minus negates (AIP-160's `-field = x`); before a digit it is a negative number.
      out.push({ t: '-', at: i++ });
    } else {
      const start = i;
      while (i < text.length && !/[\s()"',<>=!:]/.test(text[i]!)) i++;
      // A timestamp keeps its colons: 2026-11-27T10:00:00Z is one word.
      while (i < text.length && text[i] === ':' && /^\d{4}-\d{2}-\d{2}T\d{2}$|^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(text.slice(start, i))) {
        i++;
        while (i < text.length && !/[\s()"',<>=!:]/.test(text[i]!)) i++;
      }
      out.push({ t: 'word', v: text.slice(start, i), at: start });
    }
  }
  return out;
}

const isKeyword = (tok: Token) => tok.t === 'word' && ['AND', 'OR', 'NOT'].includes(tok.v);

/**
 * Parses a list filter in the syntax of Google's AIP-160, the one every Rouge
 * list, search and report takes:
 *
 * - comparisons `field = value` with `=`, `!=`, `<`, `<=`, `>`, `>=` and `:` (has);
 *   `field IN ("a", "b")`;
 * - `AND`, `OR`, `NOT` (or a leading `-`), parentheses; terms side by side are ANDed;
 * - values quoted (`"Salt AND Pepper"`: keywords inside quotes are text) or bare
 *   (`42`, `true`, `2026-11-27T00:00:00Z`).
 *
 * As AIP-160 specifies, OR binds tighter than AND: `a = 1 AND b = 2 OR c = 3` is
 * `a = 1 AND (b = 2 OR c = 3)`. Fields and their types are checked afterwards,
 * by the list that takes the filter (`checkFilter`). An empty filter is undefined.
 *
 * @example
 * parseFilter('brand = "Salt AND Pepper" AND (price.amount < 5000 OR availability != "out_of_stock")')
 */
export function parseFilter(text: string | undefined): FilterExpr | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  if (text.length > MAX_LENGTH) throw FILTER_INVALID({ why: `it is ${text.length} characters long; the limit is ${MAX_LENGTH}` });
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const where = (tok: Token | undefined) => (tok ? `at character ${tok.at + 1}` : 'at the end');
  const describe = (tok: Token | undefined) => (!tok ? 'the end of the filter' : tok.t === 'word' || tok.t === 'string' || tok.t === 'op' ? JSON.stringify(tok.v) : JSON.stringify(tok.t));
  const word = (v: string) => {
    const tok = peek();
    return tok?.t === 'word' && tok.v === v;
  };

  const expression = (depth: number): FilterExpr => {
    if (depth > MAX_DEPTH) throw FILTER_INVALID({ why: `it nests deeper than ${MAX_DEPTH} levels` });
    const args = [disjunction(depth)];
    for (;;) {
      if (word('AND')) {
        pos++;
        args.push(disjunction(depth));
      } else if (peek() && peek()!.t !== ')' && !word('OR')) {
        args.push(disjunction(depth)); // AIP-160: terms side by side are ANDed
      } else {
        break;
      }
    }
    return args.length === 1 ? args[0]! : { kind: 'and', args };
  };
  const disjunction = (depth: number): FilterExpr => {
    const args = [unary(depth)];
    while (word('OR')) {
      pos++;
      args.push(unary(depth));
    }
    return args.length === 1 ? args[0]! : { kind: 'or', args };
  };
  const unary = (depth: number): FilterExpr => {
    if (word('NOT') || peek()?.t === '-') {
      pos++;
      return { kind: 'not', arg: unary(depth + 1) };
    }
    if (peek()?.t === '(') {
      pos++;
      const inner = expression(depth + 1);
      if (peek()?.t !== ')') throw FILTER_INVALID({ why: `expected ")" ${where(peek())}, found ${describe(peek())}` });
      pos++;
      return inner;
    }
    return comparison();
  };
  const literal = (): FilterLiteral => {
    const tok = peek();
    if (tok?.t === 'string') {
      pos++;
      return { text: tok.v, quoted: true };
    }
    if (tok?.t === 'word' && !isKeyword(tok)) {
      pos++;
      return { text: tok.v, quoted: false };
    }
    throw FILTER_INVALID({ why: `expected a value ${where(tok)}, found ${describe(tok)}` });
  };
  const comparison = (): FilterExpr => {
    const tok = peek();
    if (tok?.t !== 'word' || isKeyword(tok) || !/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/.test(tok.v)) {
      throw FILTER_INVALID({ why: `expected a field name ${where(tok)}, found ${describe(tok)}` });
    }
    pos++;
    const field = tok.v;
    if (word('IN')) {
      pos++;
      if (peek()?.t !== '(') throw FILTER_INVALID({ why: `expected "(" after ${field} IN ${where(peek())}` });
      pos++;
      const values = [literal()];
      while (peek()?.t === ',') {
        pos++;
        values.push(literal());
      }
      if (peek()?.t !== ')') throw FILTER_INVALID({ why: `expected "," or ")" in the IN list of ${field} ${where(peek())}, found ${describe(peek())}` });
      pos++;
      return { kind: 'in', field, values };
    }
    const op = peek();
    if (op?.t !== 'op') throw FILTER_INVALID({ why: `expected an operator (=, !=, <, <=, >, >=, :, IN) after ${field} ${where(op)}, found ${describe(op)}` });
    pos++;
    return { kind: 'compare', field, op: op.v, value: literal() };
  };

  const result = expression(0);
  if (pos < tokens.length) throw FILTER_INVALID({ why: `unexpected ${describe(peek())} ${where(peek())}` });
  return result;
}
