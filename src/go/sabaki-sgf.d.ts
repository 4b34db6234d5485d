// Types for the parts of @sabaki/sgf (a CommonJS package without its own types) that glassbox uses.
declare module '@sabaki/sgf' {
  export interface SgfNode {
    id: number | null;
    data: Record<string, string[]>;
    parentId: number | null;
    children: SgfNode[];
  }
  export interface SgfToken {
    type: 'parenthesis' | 'semicolon' | 'prop_ident' | 'c_value_type' | 'invalid';
    value: string;
    row: number;
    col: number;
    pos: number;
  }
  const sgf: {
    parse(contents: string): SgfNode[];
    tokenize(contents: string): SgfToken[];
    escapeString(input: string): string;
  };
  export default sgf;
}
