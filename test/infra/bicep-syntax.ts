/**
 * Reads a Bicep file with the tree-sitter Bicep grammar (a parser, not the Bicep compiler: it knows the syntax,
 * not Azure's resource types) into plain values a test can inspect. Literals become JavaScript values; anything
 * computed (a reference, a call, an interpolated string) stays as its source text in an Expression.
 */
import { readFileSync } from "node:fs";
import { Language, type Node, Parser } from "web-tree-sitter";

export class Expression {
  constructor(readonly text: string) {}
}

export type BicepValue = string | number | boolean | null | Expression | BicepValue[] | { [key: string]: BicepValue };
export type BicepObject = { [key: string]: BicepValue };

export interface BicepResource {
  symbol: string;
  /** e.g. Microsoft.Web/sites */
  type: string;
  apiVersion: string;
  /** Declared with a `for` loop: one resource per item. */
  loop: boolean;
  body: BicepObject;
}

export interface BicepParameter {
  name: string;
  type: string;
  decorators: string[];
  default?: BicepValue;
}

export interface BicepFile {
  /** Every place the parser could not make sense of: empty for a file with valid syntax. */
  syntaxErrors: string[];
  parameters: BicepParameter[];
  variables: Record<string, BicepValue>;
  resources: BicepResource[];
  outputs: Record<string, BicepValue>;
}

export async function readBicep(path: string): Promise<BicepFile> {
  await Parser.init();
  const parser = new Parser();
  // Bytes, not a path: given a path, web-tree-sitter reads it through a dynamic import jest does not allow.
  parser.setLanguage(await Language.load(readFileSync(require.resolve("tree-sitter-bicep/tree-sitter-bicep.wasm"))));
  const tree = parser.parse(readFileSync(path, "utf8"));
  if (!tree) throw new Error(`tree-sitter could not parse ${path}`);
  const file: BicepFile = { syntaxErrors: syntaxErrors(tree.rootNode), parameters: [], variables: {}, resources: [], outputs: {} };
  let decorators: string[] = [];
  for (const node of tree.rootNode.namedChildren) {
    if (!node || node.type === "comment") continue;
    const [name, second, ...rest] = node.namedChildren.filter((child): child is Node => child !== null);
    if (node.type === "decorators") {
      decorators = node.namedChildren.map((decorator) => decorator?.text ?? "");
      continue;
    }
    if (node.type === "parameter_declaration" && name && second) {
      file.parameters.push({ name: name.text, type: second.text, decorators, ...(rest[0] ? { default: valueOf(rest[0]) } : {}) });
    } else if (node.type === "variable_declaration" && name && second) {
      file.variables[name.text] = valueOf(second);
    } else if (node.type === "output_declaration" && name && rest[0]) {
      file.outputs[name.text] = valueOf(rest[0]);
    } else if (node.type === "resource_declaration" && name && second && rest[0]) {
      file.resources.push(resourceOf(name.text, second, rest[0]));
    }
    decorators = [];
  }
  return file;
}

function resourceOf(symbol: string, typeNode: Node, bodyNode: Node): BicepResource {
  const [type = "", apiVersion = ""] = String(valueOf(typeNode)).split("@");
  const loop = bodyNode.type === "for_statement";
  const objectNode = bodyNode.type === "object" ? bodyNode : bodyNode.namedChildren.find((child) => child?.type === "object");
  const body = objectNode ? valueOf(objectNode) : undefined;
  if (!isObject(body)) throw new Error(`resource ${symbol} has no body this reader understands: ${bodyNode.text.slice(0, 80)}`);
  return { symbol, type, apiVersion, loop, body };
}

function valueOf(node: Node): BicepValue {
  const children = node.namedChildren.filter((child): child is Node => child !== null && child.type !== "comment");
  switch (node.type) {
    case "string":
      if (children.some((child) => child.type === "interpolation")) return new Expression(node.text);
      return children.map((child) => (child.type === "escape_sequence" ? unescape(child.text) : child.text)).join("");
    case "number":
      return Number(node.text);
    case "boolean":
      return node.text === "true";
    case "null":
      return null;
    case "array":
      return children.map(valueOf);
    case "object":
      return Object.fromEntries(
        children.map((property) => {
          const [key, value] = property.namedChildren.filter((child): child is Node => child !== null && child.type !== "comment");
          if (!key || !value) throw new Error(`an object property this reader does not understand: ${property.text.slice(0, 80)}`);
          const literalKey = key.type === "string" ? valueOf(key) : key.text;
          // A computed key ('${identity.id}') is kept as its source text.
          return [typeof literalKey === "string" ? literalKey : key.text, valueOf(value)];
        }),
      );
    default:
      return new Expression(node.text);
  }
}

function unescape(sequence: string): string {
  const escapes: Record<string, string> = { "\\'": "'", "\\\\": "\\", "\\n": "\n", "\\r": "\r", "\\t": "\t", "\\$": "$" };
  return escapes[sequence] ?? sequence;
}

function syntaxErrors(node: Node): string[] {
  if (node.type === "ERROR" || node.isMissing) return [`line ${node.startPosition.row + 1}: ${node.isMissing ? `missing ${node.type}` : node.text.slice(0, 60)}`];
  return node.children.flatMap((child) => (child ? syntaxErrors(child) : []));
}

export function isObject(value: BicepValue | undefined): value is BicepObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Expression);
}
